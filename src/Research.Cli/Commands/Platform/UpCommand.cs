using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Cli.Platform;

namespace Research.Cli.Commands.Platform;

/// <summary><c>research up</c>: starts the local platform (one silo and the console, Development profile) and stops both on Ctrl-C.</summary>
internal static class UpCommand
{
    public static Command Create(CliOutput output)
    {
        var build = new Option<bool>("--build") { Description = "Build the silo and console first (dotnet build, output shown)." };
        var consolePort = new Option<int>("--console-port") { Description = "HTTP port of the console.", DefaultValueFactory = _ => 5080 }.Between(1, 65535);
        var siloHttpPort = new Option<int>("--silo-http-port") { Description = "HTTP port of the silo's /health.", DefaultValueFactory = _ => 5081 }.Between(1, 65535);
        var siloPort = new Option<int>("--silo-port") { Description = "Orleans silo-to-silo port.", DefaultValueFactory = _ => 11111 }.Between(1, 65535);
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Orleans client gateway port.", DefaultValueFactory = _ => 30000 }.Between(1, 65535);
        var noSeed = new Option<bool>("--no-seed") { Description = "Do not seed an empty warehouse with the demo market." };
        var command = new Command("up", "Start the local platform: one silo and the console (Development profile). Ctrl-C stops both.")
        {
            build, consolePort, siloHttpPort, siloPort, gatewayPort, noSeed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var options = new LocalPlatformOptions(
                CliConfiguration.DataRoot(configuration),
                parse.GetValue(consolePort),
                parse.GetValue(siloHttpPort),
                parse.GetValue(siloPort),
                parse.GetValue(gatewayPort),
                parse.GetValue(build),
                !parse.GetValue(noSeed))
            { Json = parse.GetValue(CliOptions.Json) };
            return await new LocalPlatform(output, PlatformLocator.Find(), options, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
        });
        return command;
    }
}
