using Radzen;
using Research.Console.Cluster;
using Research.Console.Components;
using Research.Grains.Client;
using Research.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// Serve package assets (Radzen, Plotly, fonts) from their NuGet folders when running from a build output in any
// environment, not only Development; a published app has them in wwwroot and this is a no-op there.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddResearchObservability(builder.Configuration, "research-console");
builder.Services.AddSingleton(TimeProvider.System);
builder.UseOrleansClient(client =>
{
    client.UseResearchCluster(builder.Configuration);
    client.UseConnectionRetryFilter<GatewayRetryFilter>();
});
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");

var app = builder.Build();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthChecks(HealthEndpoints.Health);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();
