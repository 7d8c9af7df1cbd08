using IotHubJobs.ServiceDefaults;
using JobsApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddJobsApi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapJobsApi();
app.Run();
