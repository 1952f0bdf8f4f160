using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Cli.Platform;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research up</c> and <c>research status</c>: run and inspect the local platform (silo and console).</summary>
public static class PlatformCommands
{
    public static IEnumerable<Command> Create(CliOutput output)
    {
        yield return Up(output);
        yield return Status(output);
    }

    private static Command Up(CliOutput output)
    {
        var build = new Option<bool>("--build") { Description = "Build the silo and console first (dotnet build, output shown)." };
        var consolePort = new Option<int>("--console-port") { Description = "HTTP port of the console.", DefaultValueFactory = _ => 5080 };
        var siloHttpPort = new Option<int>("--silo-http-port") { Description = "HTTP port of the silo's /health.", DefaultValueFactory = _ => 5081 };
        var siloPort = new Option<int>("--silo-port") { Description = "Orleans silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Orleans client gateway port.", DefaultValueFactory = _ => 30000 };
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
                !parse.GetValue(noSeed));
            return await new LocalPlatform(output, PlatformLocator.Find(), options, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Status(CliOutput output)
    {
        var command = new Command("status", "Show whether the local platform is running, its processes, health and URLs.");
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var status = await LocalPlatformStatus.ProbeAsync(CliConfiguration.DataRoot(configuration), ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(status);
                return ExitCodes.Ok;
            }

            if (!status.Running)
            {
                output.Out.WriteLine($"not running (no platform started from data root {status.DataRoot})");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Process", "PID", "Alive", "URL", "Health");
            foreach (var p in status.Processes)
            {
                table.AddRow(p.Name, p.Pid.ToString(CultureInfo.InvariantCulture), p.Alive ? "yes" : "no", p.Url ?? string.Empty, Markup.Escape(p.Health));
            }

            output.Console.Write(table);
            output.Out.WriteLine($"started {status.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, data root {status.DataRoot}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
