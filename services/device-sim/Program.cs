using DeviceSim;
using IotHubJobs.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDeviceSim();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
