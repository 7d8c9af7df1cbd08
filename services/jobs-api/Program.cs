using IotHubJobs.ServiceDefaults;
using JobsApi;
using JobsApi.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddJobsApi();

var app = builder.Build();
app.UseIotHubErrors();
app.MapDefaultEndpoints();
app.MapJobsApi();
app.Run();
