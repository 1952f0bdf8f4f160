using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Health;
using Spectre.Console;

namespace Research.Cli.Commands.Platform;

/// <summary><c>research health</c>: the platform's health from the cluster (exit 0 healthy, 1 degraded or down).</summary>
public static class HealthCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("health", "The platform's health: healthy, degraded or down with reasons; silos and load, storage, the sync lock, the backtest queue, breakers, latency p50/p95/p99, last successes. Exit 1 unless healthy.") { ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "point --gateway-port at a running silo").ConfigureAwait(false);
            var health = await cluster.Client.GetGrain<IHealthGrain>(0).GetAsync().ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(health);
                return health.Status == "healthy" ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var colour = health.Status switch { "healthy" => "green", "degraded" => "yellow", _ => "red" };
            output.Console.MarkupLine($"[{colour}]{health.Status.ToUpperInvariant()}[/] at {health.AsOf.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; {health.TotalActivations:N0} activations");
            foreach (var reason in health.Reasons)
            {
                output.Console.MarkupLine($"  [{colour}]{Markup.Escape(reason)}[/]");
            }

            var checks = new Table().AddColumns("Check", "Status", "Detail");
            foreach (var c in health.Checks)
            {
                checks.AddRow(c.Name, c.Status, Markup.Escape(c.Detail));
            }

            output.Console.Write(checks);
            var silos = new Table().AddColumns("Silo", "Status", "Activations", "CPU %", "Memory (MB)", "Clients", "Overloaded");
            foreach (var s in health.Silos)
            {
                silos.AddRow(Markup.Escape(s.Address), s.Status, N(s.Activations), F(s.CpuPercent, "N1"), F(s.MemoryMegabytes, "N0"), N(s.Clients), s.Overloaded ? "yes" : "no");
            }

            output.Console.Write(silos);
            var last = new Table().AddColumns("Last successful", "When (UTC)", "What");
            foreach (var l in health.LastSuccesses)
            {
                last.AddRow(l.What, l.At?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never", Markup.Escape(l.Detail));
            }

            output.Console.Write(last);
            if (health.Latency.Length > 0)
            {
                var latency = new Table().AddColumns("Kind", "Operation (last minute, slowest p99 first)", "Calls", "p50 (ms)", "p95 (ms)", "p99 (ms)");
                foreach (var l in health.Latency.Take(15))
                {
                    latency.AddRow(l.Kind, Markup.Escape(l.Key), N(l.Count), F(l.P50, "N2"), F(l.P95, "N2"), F(l.P99, "N2"));
                }

                output.Console.Write(latency);
            }

            return health.Status == "healthy" ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
