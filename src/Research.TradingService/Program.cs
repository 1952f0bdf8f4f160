using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client;
using Research.TradingService;

// An example trading service: its own process, joining the cluster as an Orleans client (Research.Grains.Client), acting
// as an operator. It follows one account's orders and fills through the account's stream and mirrors each fill onto
// another account, checking the breakers over that account first. Events go to stdout as JSON lines.
//
//   dotnet Research.TradingService.dll --follow paper-1 --mirror-to paper-2 [--ratio 0.5] [--gateway-port 30000]
var settings = MirrorSettings.Parse(args, out var problem);
if (settings is null && problem == "help")
{
    Console.WriteLine(MirrorSettings.Usage);
    return 0;
}

if (settings is null)
{
    await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
    await Console.Error.WriteLineAsync(MirrorSettings.Usage).ConfigureAwait(false);
    return 2;
}

var builder = Host.CreateApplicationBuilder(settings.HostArguments);
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).AddFilter("Orleans", LogLevel.Warning);
builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.UseOrleansClient(client => client
    .UseResearchCluster(builder.Configuration)
    .UseCallerIdentity(new CallerIdentity("trading-service:" + settings.Follow, Role.Operator, $"service@{Environment.MachineName}")));
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<FillMirror>();
await builder.Build().RunAsync().ConfigureAwait(false);
return 0;
