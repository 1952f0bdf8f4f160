using System.CommandLine;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Commands.Backtest;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Alpha;

/// <summary>
/// <c>research alpha sweep --grid FILE --from --to</c>: a parameter grid of signals (<see cref="SignalGrid"/>) evaluated as
/// a cluster job fanned out across the silos; every evaluated variant is recorded in the trial ledger by the job.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(CliOutput output)
    {
        var grid = new Option<FileInfo>("--grid") { Description = "A signal spec in which descriptors, weights, transform lists and post lists may list choices (docs/CONCEPTS/alpha-research.md).", Required = true };
        var from = CliOptions.Date("--from", "First signal date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last signal date (YYYY-MM-DD).");
        var every = new Option<int>("--every") { Description = "Sessions between signal dates.", DefaultValueFactory = _ => 5 }.Between(1, 63);
        var horizons = new Option<string>("--horizons") { Description = "Forward-return horizons in sessions, comma-separated.", DefaultValueFactory = _ => "1,5,21" };
        var quantiles = new Option<int>("--quantiles") { Description = "Quantile buckets per date.", DefaultValueFactory = _ => 5 }.Between(2, 20);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest share of a variant's values that may lack a forward return; past it the variant is reported failed.", DefaultValueFactory = _ => 0.35 }.Within(0, 1);
        var question = new Option<string>("--question") { Description = "The research question the variants are recorded under as trials.", DefaultValueFactory = _ => "default" };
        var priority = JobOptions.Priority();
        var user = JobOptions.User();
        var wait = JobOptions.Wait();
        var quiet = JobOptions.Quiet();
        var command = new Command("sweep", "Evaluate a grid of signal variants as a cluster job (fanned out across silos); each variant becomes a trial in the ledger.")
        {
            grid, from, to, every, horizons, quantiles, maxDrop, question, priority, user, wait, quiet, ClusterOptions.Gateway,
        };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(grid)!;
            if (!file.Exists)
            {
                throw new CliException($"--grid: {file.FullName} does not exist.");
            }

            IReadOnlyList<SignalDefinition> variants;
            try
            {
                variants = SignalGrid.Expand(await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false), file.Name);
            }
            catch (FormatException e)
            {
                throw new CliException($"--grid: {e.Message}", e);
            }

            var name = variants[0].Name[..variants[0].Name.LastIndexOf('_')];
            var spec = new SignalSweepJobSpec([.. variants.Select(v => v.CanonicalJson())], parse.GetValue(from), parse.GetValue(to), parse.GetValue(every),
                [.. SignalWorkbench.Horizons(parse.GetValue(horizons)!)], parse.GetValue(quantiles), parse.GetValue(maxDrop), name, SignalWorkbench.Question(parse.GetValue(question)));
            if (!parse.GetValue(quiet))
            {
                output.Info($"{file.Name}: {variants.Count} variant(s) of '{name}', recorded under the question '{spec.Question}'");
            }

            var submission = new JobSubmission(null, null, parse.GetValue(priority), parse.GetValue(user)!, SignalSweep: spec);
            return await JobFollowing.SubmitAsync(output, parse, submission, parse.GetValue(wait), parse.GetValue(quiet), ct).ConfigureAwait(false);
        });
        return command;
    }
}
