using System.CommandLine;
using System.Globalization;
using Research.Cli.Commands.Audit;
using Research.Cli.Infrastructure;
using Research.Data.Etl;
using Research.Data.Fetching;
using Research.Data.Sync;
using Research.Data.Warehouse;
using Research.Platform.Storage.Audit;

namespace Research.Cli.Commands.Etl;

/// <summary><c>research etl run</c>: one ETL run on this machine (the warehouse write lock keeps it single-writer).</summary>
internal static class RunCommand
{
    public static Command Create(CliOutput output)
    {
        var options = new FetcherOptions();
        var dataset = EtlCommand.Dataset(required: true);
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.OptionalDate("--to", "Last date (default: the last completed day).");
        var full = new Option<bool>("--full") { Description = "Rewrite every year from what is fetched now, instead of appending the rows the current version lacks." };
        var partial = new Option<bool>("--allow-partial") { Description = "Load the symbols that were fetched when some failed (the failures are listed); by default nothing is published then." };
        var command = new Command("run", "Fetch, validate, align to NYSE sessions and load the new rows as a new version; nothing new publishes nothing.") { dataset, from, to, full, partial };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var target = parse.GetValue(dataset)!;
            var symbols = options.SymbolList(parse);
            var settings = options.Settings(parse, configuration);
            settings = settings with { Chain = EtlCommand.DefaultSource(target, parse.GetValue(options.Source)) ?? settings.Chain };
            var (first, last) = (parse.GetValue(from), parse.GetValue(to) ?? CompletedSessions.LastCompletedDay(TimeProvider.System.GetUtcNow()));
            if (first > last)
            {
                throw new CliException($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
            }

            var layout = new WarehouseLayout(CliConfiguration.DataRoot(configuration));
            using var metrics = new FetcherMetrics();
            using var chain = await FetcherOptions.OpenAsync(layout, settings, configuration, metrics, symbols, ct).ConfigureAwait(false);
            var etl = new HistoricalEtl(layout, chain.Fetcher, TimeProvider.System) { Parallelism = settings.Parallelism };
            EtlOutcome outcome;
            try
            {
                outcome = await output.WithProgressAsync($"etl {target}", p => etl.RunAsync(new EtlRequest(target, symbols, first, last, parse.GetValue(full), parse.GetValue(partial)), Environment.UserName, p, ct)).ConfigureAwait(false);
            }
            catch (DatasetValidationException e)
            {
                throw new CliException($"{target}: validation failed, version {e.QuarantinedVersion} quarantined (never current): {e.Report?.Summary() ?? e.Message}", e);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or SyncLockHeldException)
            {
                throw new CliException(e.Message, e);
            }

            if (outcome.Published is not null)
            {
                await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "etl.run", target, "ok", null, $"cli@{Environment.MachineName}",
                    string.Create(CultureInfo.InvariantCulture, $"published {outcome.Published}: {outcome.NewRows} new rows, watermark {outcome.Watermark}")), ct).ConfigureAwait(false);
            }

            foreach (var warning in outcome.Warnings)
            {
                output.Error.WriteLine($"warning: {warning}");
            }

            foreach (var (symbol, reason) in outcome.Failed)
            {
                output.Error.WriteLine($"left out {symbol}: {reason}");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    outcome.Dataset,
                    outcome.Published,
                    outcome.Rows,
                    outcome.NewRows,
                    outcome.DroppedNonSessions,
                    outcome.Watermark,
                    failed = outcome.Failed.Select(f => new { f.Symbol, f.Reason }),
                    sources = outcome.Sources,
                    outcome.Warnings,
                });
            }
            else
            {
                output.Out.WriteLine(outcome.Published is null
                    ? $"{target}: nothing new after {outcome.Watermark}; nothing published."
                    : string.Create(CultureInfo.InvariantCulture, $"{target}: published {outcome.Published} ({outcome.NewRows:N0} new rows, {outcome.Rows:N0} in all, through {outcome.Watermark}; {outcome.DroppedNonSessions} bar(s) on non-sessions dropped)"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
