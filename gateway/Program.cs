using Gateway.Auth;
using Gateway.Dashboard;
using Gateway.Http;
using Gateway.Limits;
using Gateway.Proxy;
using Gateway.Tls;
using IotHubJobs.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;

// The only public door: HTTPS, SAS tokens and per-policy rights, IoT Hub-style limits, then YARP to jobs-api.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayTls();
builder.AddResponseHeaders();
builder.AddSasAuthentication();
builder.AddRequestLimits();
builder.AddIotHubRateLimits();
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
builder.Services.AddSingleton<IDataProtectionProvider, EphemeralDataProtectionProvider>(); // no key files on disk

var app = builder.Build();
app.UseHttpsOnly();
app.UseResponseHeaders();
app.UseDashboard(); // static files under /dashboard/, before the SAS check: they hold no data
app.UseRouting();
app.UseSasAuthentication();
app.UseRequestLimits();
app.UseRateLimiter();
app.UseForwarderErrors();
app.MapDefaultEndpoints();
app.MapReverseProxy();
app.LogCertificates();
app.Run();
