using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Fetching;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research reconcile</c>: Yahoo against the warehouse's CRSP for symbols both have (<see cref="SourceReconciliation"/>):
/// dates on one side only, return correlation and the worst days, splits and dividends matched, and the price ratio per
/// span between splits. A report: it exits 0 when the sources disagree, 1 when a symbol could not be fetched from both.
/// </summary>
public static class ReconcileCommand
{
    public static Command Create(CliOutput output)
    {
        var options = new FetcherOptions();
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var command = new Command("reconcile", "Reconcile Yahoo against the warehouse's CRSP: missing dates, return correlation, splits, dividends, price ratios.") { from, to };
        options.Symbols.Description = "Comma-separated tickers both CRSP and Yahoo know.";
        command.Options.Add(options.Symbols);
        command.Options.Add(options.SymbolsFile);
        command.Options.Add(options.YahooUrl);
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var symbols = options.SymbolList(parse);
            var layout = new WarehouseLayout(CliConfiguration.DataRoot(configuration));
            var settings = options.Settings(parse, configuration);
            using var metrics = new FetcherMetrics();
            using var crsp = await FetcherOptions.OpenAsync(layout, settings with { Chain = "crsp" }, configuration, metrics, symbols, ct).ConfigureAwait(false);
            using var yahoo = await FetcherOptions.OpenAsync(layout, settings with { Chain = "yahoo" }, configuration, metrics, symbols, ct).ConfigureAwait(false);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to));
            var reports = new List<ReconciliationReport>();
            var failed = new List<string>();
            await output.WithProgressAsync("reconcile", async p =>
            {
                foreach (var symbol in symbols)
                {
                    p.Report((symbol, (double)reports.Count / symbols.Count));
                    try
                    {
                        var reference = await crsp.Fetcher.Chain[0].DailyAsync(symbol, first, last, ct).ConfigureAwait(false);
                        var candidate = await yahoo.Fetcher.Chain[0].DailyAsync(symbol, first, last, ct).ConfigureAwait(false);
                        reports.Add(SourceReconciliation.Compare(reference, candidate));
                    }
                    catch (Exception e) when (e is SymbolNotFoundException or Research.Data.Providers.Yahoo.YahooChartException or ArgumentException)
                    {
                        failed.Add($"{symbol}: {e.Message}");
                    }
                }

                return reports.Count;
            }).ConfigureAwait(false);

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    reports = reports.Select(r => new
                    {
                        r.Symbol,
                        r.Agrees,
                        r.CommonDates,
                        r.OnlyInReference,
                        r.OnlyInCandidate,
                        r.ReturnCorrelation,
                        r.MeanAbsoluteReturnDifference,
                        largestReturnDifferences = r.LargestReturnDifferences.Select(d => new { d.Date, crsp = d.Reference, yahoo = d.Candidate }),
                        r.Splits,
                        r.Dividends,
                        r.PriceRatios,
                    }),
                    failed,
                });
            }
            else
            {
                Print(output, reports);
            }

            return failed.Count == 0 ? ExitCodes.Ok : throw new CliException($"{failed.Count} of {symbols.Count} symbol(s) could not be reconciled: {string.Join(" ", failed)}");
        });
        return command;
    }

    private static void Print(CliOutput output, List<ReconciliationReport> reports)
    {
        var table = new Table().AddColumns("symbol", "agrees", "common days", "CRSP only", "Yahoo only", "ret corr", "mean |Δret|", "worst days", "splits", "dividends", "price ratio (per split span)");
        foreach (var r in reports)
        {
            table.AddRow(
                Markup.Escape(r.Symbol), r.Agrees ? "yes" : "[red]no[/]", N(r.CommonDates), N(r.OnlyInReference.Count), N(r.OnlyInCandidate.Count),
                r.ReturnCorrelation?.ToString("0.00000", CultureInfo.InvariantCulture) ?? "-", r.MeanAbsoluteReturnDifference.ToString("0.000000", CultureInfo.InvariantCulture),
                string.Join(", ", r.LargestReturnDifferences.Take(3).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Date:yyyy-MM-dd} {d.Reference * 100:0.00}%/{d.Candidate * 100:0.00}%"))),
                $"{r.Splits.Count(s => s.Matched)}/{r.Splits.Count}", $"{r.Dividends.Count(d => d.Matched)}/{r.Dividends.Count}",
                string.Join("; ", r.PriceRatios.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.First:yyyy-MM-dd}..{p.Last:yyyy-MM-dd} {p.Median:0.####}{(p.Flat ? string.Empty : $" (spread {p.Min:0.####}-{p.Max:0.####})")}"))));
        }

        output.Console.Write(table);
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tolerances: returns {SourceReconciliation.ReturnTolerance * 100:0.#}%, dividends {SourceReconciliation.DividendTolerance * 100:0.#}% relative (Yahoo's amounts times CRSP's later splits), price ratio spread {SourceReconciliation.PriceRatioTolerance * 100:0.#}% within a span."));
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
