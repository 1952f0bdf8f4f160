using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Cli.Platform;
using Spectre.Console;

namespace Research.Cli.Commands.Platform;

/// <summary><c>research status</c>: whether the local platform is running, its processes, health and URLs.</summary>
internal static class StatusCommand
{
    public static Command Create(CliOutput output)
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
