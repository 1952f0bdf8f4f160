using System.CommandLine;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Factors;

/// <summary><c>research factors build</c>: build exposures at every month end and publish them as factors/exposures.</summary>
internal static class BuildCommand
{
    public static Command Create(CliOutput output)
    {
        var from = CliOptions.OptionalDate("--from", "First rebalance date (default: 13 months after the first CRSP session, when momentum exists).");
        var to = CliOptions.OptionalDate("--to", "Last rebalance date (default: the last CRSP session).");
        var styles = new Option<string?>("--styles") { Description = "Comma-separated factors (default: every registered factor the data supports)." };
        var neutral = new Option<string?>("--industry-neutral") { Description = "Comma-separated factors to neutralise against industries." };
        var composite = new Option<string[]>("--composite") { Description = "A composite, e.g. qv=quality:0.5,value:0.5 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("build", "Build exposures at every month end and publish them as factors/exposures.") { from, to, styles, neutral, composite };
        command.SetAction(async (parse, ct) =>
        {
            var options = new FactorBuildOptions
            {
                Styles = FactorsCommand.SplitList(parse.GetValue(styles)),
                IndustryNeutral = FactorsCommand.SplitList(parse.GetValue(neutral)) ?? [],
                Composites = [.. (parse.GetValue(composite) ?? []).Select(FactorsCommand.ParseComposite)],
            };
            var layout = WarehouseOptions.Layout(parse);
            var (panel, sessions) = FactorsCommand.LoadPanel(parse, output, parse.GetValue(from), parse.GetValue(to));
            var exposures = await output.WithProgressAsync("factors build", progress =>
                Task.Run(() => FactorsCommand.Guard(() => FactorBuilder.Build(panel, sessions, options, new SynchronousProgress<double>(f => progress.Report(("month ends", f))))), ct)).ConfigureAwait(false);
            var manifests = await FactorExposuresStore.PublishAsync(layout, panel, exposures, options, Environment.UserName, TimeProvider.System, ct).ConfigureAwait(false);
            var coverage = exposures.Factors.Select((f, k) => new { factor = f, meanCoverage = exposures.Snapshots.Average(s => s.Coverage[k]) }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    dataset = FactorExposuresStore.Dataset,
                    version = manifests[0].VersionId,
                    first = exposures.Snapshots[0].Date,
                    last = exposures.Snapshots[^1].Date,
                    snapshots = exposures.Snapshots.Count,
                    stocks = exposures.Snapshots.Sum(s => s.Assets.Length),
                    coverage,
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Title($"{exposures.Snapshots.Count} month ends {exposures.Snapshots[0].Date:yyyy-MM-dd}..{exposures.Snapshots[^1].Date:yyyy-MM-dd}").AddColumns("Factor", "Mean coverage");
            foreach (var c in coverage)
            {
                table.AddRow(c.factor, c.meanCoverage.ToString("P1", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Out.WriteLine($"published {FactorExposuresStore.Dataset} {manifests[0].VersionId} ({exposures.Snapshots.Sum(s => s.Assets.Length)} rows)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
