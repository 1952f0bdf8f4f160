using Research.Hosting;
using Research.Silo.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddResearchObservability(builder.Configuration, "research-silo");
builder.UseOrleans(silo => silo.ConfigureResearchSilo(builder.Configuration));
builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("orleans");

var app = builder.Build();
app.MapHealthChecks(HealthEndpoints.Health);
app.MapSystemHealth();
app.MapGet("/", () => Results.Text("research silo: see /health\n"));
await app.RunAsync();
