using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Fetching;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research fetch</c>: daily bars of some symbols through the fetcher's provider chain (nothing is written to the
/// warehouse; <c>research etl run</c> loads it): per symbol, who served which dates, what failed on the way, and the
/// caveats of the data used.
/// </summary>
public static class FetchCommand
{
    public static Command Create(CliOutput output)
    {
        var options = new FetcherOptions();
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.OptionalDate("--to", "Last date (default: the last completed day, from 18:00 New York time today, else yesterday).");
        var bars = new Option<bool>("--bars") { Description = "Print every bar (date, source, close, total return, dividend, split) after the summary." };
        var csv = new Option<string?>("--csv") { Description = "Also write the bars (symbol, date, source, currency, OHLC, volume, ret, retx, dividend, split_ratio) to this CSV file." }.WritableFile();
        var command = new Command("fetch", "Daily bars through the provider chain (CRSP, Yahoo, its cache, the synthetic market), saying who served each date.") { from, to, bars, csv };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var symbols = options.SymbolList(parse);
            var settings = options.Settings(parse, configuration);
            var (first, last) = (parse.GetValue(from), parse.GetValue(to) ?? CompletedSessions.LastCompletedDay(TimeProvider.System.GetUtcNow()));
            if (first > last)
            {
                throw new CliException($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
            }

            var layout = new WarehouseLayout(CliConfiguration.DataRoot(configuration));
            using var metrics = new FetcherMetrics();
            using var chain = await FetcherOptions.OpenAsync(layout, settings, configuration, metrics, symbols, ct).ConfigureAwait(false);
            var (fetched, failed) = await output.WithProgressAsync("fetch", p => chain.Fetcher.FetchManyAsync(symbols, first, last,
                new SynchronousProgress<(int Done, int Total)>(x => p.Report(($"{x.Done}/{x.Total} symbols", (double)x.Done / x.Total))), settings.Parallelism, ct)).ConfigureAwait(false);
            var warnings = fetched.SelectMany(f => f.Warnings).Distinct().ToList();
            foreach (var warning in warnings)
            {
                output.Error.WriteLine($"warning: {warning}");
            }

            if (parse.GetValue(csv) is { } path)
            {
                await WriteCsvAsync(path, fetched, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    from = first,
                    to = last,
                    chain = chain.Fetcher.Chain.Select(p => p.Name),
                    symbols = fetched.Select(f => new
                    {
                        f.Symbol,
                        f.Currency,
                        f.Sources,
                        f.Failures,
                        Bars = f.Bars.Select(b => new { b.Bar.Date, b.Source, b.Bar.Open, b.Bar.High, b.Bar.Low, b.Bar.Close, b.Bar.Volume, b.Bar.Ret, b.Bar.RetX, b.Bar.Dividend, b.Bar.SplitRatio }),
                    }),
                    failed = failed.Select(f => new { f.Symbol, f.Reason }),
                    warnings,
                });
            }
            else
            {
                Summary(output, fetched, failed, parse.GetValue(bars));
            }

            return failed.Count == 0 ? ExitCodes.Ok : throw new CliException($"{failed.Count} of {symbols.Count} symbol(s) could not be fetched: {string.Join(" ", failed.Select(f => f.Reason))}");
        });
        return command;
    }

    private static void Summary(CliOutput output, IReadOnlyList<FetchedPrices> fetched, IReadOnlyList<(string Symbol, string Reason)> failed, bool bars)
    {
        var table = new Table().AddColumns("symbol", "currency", "bars", "first", "last", "served by", "failed on the way");
        foreach (var f in fetched)
        {
            table.AddRow(
                Markup.Escape(f.Symbol), f.Currency, f.Bars.Count.ToString("N0", CultureInfo.InvariantCulture), $"{f.Bars[0].Bar.Date:yyyy-MM-dd}", $"{f.Bars[^1].Bar.Date:yyyy-MM-dd}",
                Markup.Escape(string.Join("; ", f.Sources.Select(s => $"{s.Source}{(s.FromCache ? " (cached)" : string.Empty)} {s.First:yyyy-MM-dd}..{s.Last:yyyy-MM-dd} ({s.Bars})"))),
                Markup.Escape(string.Join("; ", f.Failures)));
        }

        foreach (var (symbol, reason) in failed)
        {
            table.AddRow(Markup.Escape(symbol), "-", "0", "-", "-", "-", "no provider had it (the reasons follow)");
        }

        output.Console.Write(table);
        if (!bars)
        {
            return;
        }

        foreach (var f in fetched)
        {
            var detail = new Table().Title(Markup.Escape(f.Symbol)).AddColumns("date", "source", "close", "ret", "dividend", "split");
            foreach (var b in f.Bars)
            {
                detail.AddRow($"{b.Bar.Date:yyyy-MM-dd}", b.Source, Number(b.Bar.Close, "0.####"), Number(b.Bar.Ret, "0.######"), Number(b.Bar.Dividend, "0.####"), Number(b.Bar.SplitRatio, "0.###"));
            }

            output.Console.Write(detail);
        }
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? string.Empty;

    private static async Task WriteCsvAsync(string path, IReadOnlyList<FetchedPrices> fetched, CancellationToken ct)
    {
        var temp = path + ".partial";
        var writer = new StreamWriter(temp);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("symbol,date,source,currency,open,high,low,close,volume,ret,retx,dividend,split_ratio".AsMemory(), ct).ConfigureAwait(false);
            foreach (var f in fetched)
            {
                foreach (var b in f.Bars)
                {
                    var x = b.Bar;
                    await writer.WriteLineAsync(string.Join(',', f.Symbol, x.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), b.Source, f.Currency,
                        R(x.Open), R(x.High), R(x.Low), R(x.Close), R(x.Volume), R(x.Ret), R(x.RetX), R(x.Dividend), R(x.SplitRatio)).AsMemory(), ct).ConfigureAwait(false);
                }
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private static string R(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
}
