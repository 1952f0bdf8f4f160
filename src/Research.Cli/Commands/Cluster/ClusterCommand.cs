using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Cluster;
using Spectre.Console;

namespace Research.Cli.Commands.Cluster;

/// <summary>
/// <c>research cluster show</c>: the silos the cluster has now and which grains are active on each (where the backtest
/// scheduler, the sync writer, a job and its units run), for an operator deciding what a lost node took with it.
/// </summary>
public static class ClusterCommand
{
    public static Command Create(CliOutput output)
    {
        var cluster = new Command("cluster", "The running cluster: its silos and what runs on each.");
        var grain = new Option<string?>("--grain") { Description = "Only activations whose grain type contains this text (for example Scheduler, SyncWriter, MonteCarlo)." };
        var show = new Command("show", "Show the active silos and the grain activations on each.") { grain, ClusterOptions.Gateway };
        show.SetAction(async (parse, ct) =>
        {
            await using var connection = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
            var overview = await connection.Client.GetGrain<IClusterOverviewGrain>(0).GetAsync().ConfigureAwait(false);
            if (parse.GetValue(grain) is { Length: > 0 } filter)
            {
                overview = overview with { Activations = [.. overview.Activations.Where(a => a.GrainType.Contains(filter, StringComparison.OrdinalIgnoreCase))] };
            }

            Write(output, parse, overview);
            return ExitCodes.Ok;
        });
        cluster.Subcommands.Add(show);
        return cluster;
    }

    private static void Write(CliOutput output, ParseResult parse, ClusterOverview overview)
    {
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(overview);
            return;
        }

        if (!output.Interactive)
        {
            // Into a pipe or a file: tab-separated, one line per silo, then one per grain type and silo.
            output.Out.WriteLine("silo\tname\thost\tstatus\tstarted_utc");
            foreach (var s in overview.Silos)
            {
                output.Out.WriteLine(string.Join('\t', s.Address, s.Name, s.HostName, s.Status, s.StartedAt?.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty));
            }

            output.Out.WriteLine();
            output.Out.WriteLine("grain_type\tsilo\tactivations");
            foreach (var a in overview.Activations)
            {
                output.Out.WriteLine(string.Join('\t', a.GrainType, a.Silo, a.Count.ToString(CultureInfo.InvariantCulture)));
            }

            return;
        }

        var silos = new Table().Title($"{overview.Silos.Count} active silo(s) at {overview.AsOf:yyyy-MM-dd HH:mm:ss} UTC").AddColumns("Silo", "Name", "Host", "Status", "Started (UTC)");
        foreach (var s in overview.Silos)
        {
            silos.AddRow(Markup.Escape(s.Address), Markup.Escape(s.Name), Markup.Escape(s.HostName), s.Status, s.StartedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty);
        }

        output.Console.Write(silos);
        var activations = new Table().AddColumns("Grain type", "Silo", "Activations");
        foreach (var a in overview.Activations)
        {
            activations.AddRow(Markup.Escape(a.GrainType), Markup.Escape(a.Silo), a.Count.ToString(CultureInfo.InvariantCulture));
        }

        output.Console.Write(activations);
    }
}
