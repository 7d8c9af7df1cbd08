using DeviceGateway;
using IotHubJobs.ServiceDefaults;

// IoT Hub's device endpoint for real devices: MQTT 3.1.1 over TLS and over WebSocket (docs/devices.md).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDeviceGateway();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDeviceGateway();
app.Run();
