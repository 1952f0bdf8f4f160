using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Research.Analytics.Microstructure;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Research.Data.Providers.Wrds;
using Research.Data.Sync;
using Research.Data.Warehouse;
using Research.Grains.Client;

namespace Research.Cli.Commands.Taq;

/// <summary>
/// <c>research taq sync|aggregate|query|bars|status</c>: the TAQ storage tiers (<see cref="TaqStore"/>). <c>sync</c> pulls
/// WRDS TAQ days through the real client into tier 3 and builds tier 1 from them; <c>query</c> answers a symbol's ticks
/// from tier 3 and pulls the days it lacks from WRDS (tier 2) after an estimate, refused above the limit unless forced;
/// <c>bars</c> reads tier 1; <c>aggregate</c> builds tier 1 from the ticks already local (the synthetic market's).
/// </summary>
public static class TaqCommand
{
    public static Command Create(CliOutput output)
    {
        var taq = new Command("taq", "TAQ ticks in tiers: sync WRDS TAQ days (tier 3 ticks and tier 1 aggregates), query a symbol's ticks (pulled from WRDS on demand after an estimate), one-minute bars, status.");
        taq.Subcommands.Add(Sync(output));
        taq.Subcommands.Add(Aggregate(output));
        taq.Subcommands.Add(Query(output));
        taq.Subcommands.Add(Bars(output));
        taq.Subcommands.Add(Status(output));
        return taq;
    }

    /// <summary>An estimate as printed and written with --json.</summary>
    public sealed record EstimateLine(IReadOnlyList<TaqDayEstimate> Days, long Rows, long TransferBytes, long DiskBytes, double ExpectedSeconds, long MaxRows, long FreeBytes, bool OverLimit, bool FitsOnDisk);

    /// <summary>What a sync published, per dataset.</summary>
    public sealed record SyncLine(string Dataset, string Version, long Rows, int ChunksPulled, string Validation);

    private static Option<DateOnly> From() => CliOptions.Date("--from", "First session (yyyy-MM-dd).");

    private static Option<DateOnly?> To() => CliOptions.OptionalDate("--to", "Last session (yyyy-MM-dd; default: --from).");

    private static Option<bool> EstimateOnly() => new("--estimate") { Description = "Show the estimate (rows from the tables' statistics or a count, bytes, time) and stop." };

    private static Option<int?> MaxRows() => new Option<int?>("--max-rows") { Description = $"Refuse a pull above this many rows before cleaning unless --force (default Research:Taq:MaxRows, else {TaqStore.DefaultMaxRows:N0})." }.Positive();

    private static Option<bool> Force() => new("--force") { Description = "Pull even above --max-rows." };

    private static Option<int?> KeepDays() => new Option<int?>("--keep-days") { Description = "Tier 3 keeps the latest this many days of ticks (default Research:Taq:KeepDays, else all); tier 1 keeps every day." }.Positive();

    private static Command Sync(CliOutput output)
    {
        var from = From();
        var to = To();
        var symbols = new Option<string[]>("--symbols") { Description = "Only these symbol roots (default: every symbol of each day; a symbols-only pull is cached in tier 3 but builds no tier 1).", AllowMultipleArgumentsPerToken = true };
        var estimate = EstimateOnly();
        var maxRows = MaxRows();
        var force = Force();
        var keepDays = KeepDays();
        var command = new Command("sync", "Pull WRDS TAQ days (taqm_YYYY.ctm_/complete_nbbo_YYYYMMDD, cleaned on the server) into tier 3 and build tier 1 (bars, daily RV, spreads); estimate first, refuse above the limit unless --force.")
        {
            from, to, symbols, estimate, maxRows, force, keepDays,
        };
        foreach (var option in WrdsConnectionOptions.All.Where(o => o != WrdsConnectionOptions.Format))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var store = new TaqStore(new WarehouseLayout(CliConfiguration.DataRoot(configuration)), TimeProvider.System);
            var days = Sessions(parse.GetValue(from), parse.GetValue(to));
            var names = parse.GetValue(symbols) is { Length: > 0 } given ? Symbols(given, "--symbols") : null;
            var pull = new TaqPull(days, names, parse.GetValue(keepDays) ?? Setting(configuration, ConfigurationKeys.TaqKeepDays, "--keep-days"));
            await using var client = WrdsConnectionOptions.CreateClient(parse, configuration);
            var ok = await EstimateAndCheckAsync(output, parse, configuration, store, client, pull, estimate, maxRows, force, ct).ConfigureAwait(false);
            if (!ok)
            {
                return parse.GetValue(estimate) ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var outcomes = await output.WithProgressAsync($"taq sync of {days.Count} day(s)", p =>
                store.SyncAsync(client, pull, Environment.UserName, new SynchronousProgress<SyncProgress>(x => p.Report(($"{x.Dataset} {x.Stage}", x.Fraction))), ct)).ConfigureAwait(false);
            WriteOutcomes(output, parse, outcomes);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Aggregate(CliOutput output)
    {
        var from = CliOptions.OptionalDate("--from", "First day (default: the first day of tier 3).");
        var to = CliOptions.OptionalDate("--to", "Last day (default: the last day of tier 3).");
        var command = new Command("aggregate", "Build tier 1 (one-minute bars, daily RV, daily spreads and depth) from the whole days of ticks tier 3 holds (e.g. the synthetic market's).") { from, to };
        command.SetAction(async (parse, ct) =>
        {
            var store = new TaqStore(WarehouseOptions.Layout(parse), TimeProvider.System);
            var whole = store.Coverage().WholeDays;
            if (whole.Count == 0)
            {
                throw new CliException($"tier 3 holds no whole day of ticks at {store.Layout.Root}: run research taq sync (WRDS) or research sync --dataset taq (synthetic) first.");
            }

            var first = parse.GetValue(from) ?? whole.Min();
            var last = parse.GetValue(to) ?? whole.Max();
            if (first > last)
            {
                throw new CliException(parse.GetValue(to) is null
                    ? $"--from {first:yyyy-MM-dd} is after the last day of tier 3 ({last:yyyy-MM-dd})."
                    : parse.GetValue(from) is null ? $"--to {last:yyyy-MM-dd} is before the first day of tier 3 ({first:yyyy-MM-dd})." : $"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
            }

            var days = store.Tier3Days(first, last);
            if (days.Count == 0)
            {
                throw new CliException($"tier 3 has no whole day in {first:yyyy-MM-dd}..{last:yyyy-MM-dd} (it has {whole.Min():yyyy-MM-dd}..{whole.Max():yyyy-MM-dd}).");
            }

            var outcomes = await output.WithProgressAsync($"tier 1 of {days.Count} day(s)", p =>
                store.AggregateAsync(days, Environment.UserName, new SynchronousProgress<SyncProgress>(x => p.Report(($"{x.Dataset} {x.Stage}", x.Fraction))), ct)).ConfigureAwait(false);
            WriteOutcomes(output, parse, outcomes);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Query(CliOutput output)
    {
        var symbol = new Option<string>("--symbol") { Description = "Symbol root.", Required = true };
        var from = From();
        var to = To();
        var kind = new Option<string>("--kind") { Description = "trades (default) or quotes (the NBBO).", DefaultValueFactory = _ => "trades" }.OneOf("trades", "quotes");
        var out_ = new Option<string?>("--out") { Description = "Write the rows as CSV to this file (default: the first 20 rows and a count on the terminal)." };
        var estimate = EstimateOnly();
        var maxRows = MaxRows();
        var force = Force();
        var keepDays = KeepDays();
        var command = new Command("query", "A symbol's ticks over a date range: from tier 3 where the days are local, otherwise pulled from WRDS TAQ (tier 2) after an estimate and cached as tier 3.")
        {
            symbol, from, to, kind, out_, estimate, maxRows, force, keepDays,
        };
        foreach (var option in WrdsConnectionOptions.All.Where(o => o != WrdsConnectionOptions.Format))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var store = new TaqStore(new WarehouseLayout(CliConfiguration.DataRoot(configuration)), TimeProvider.System);
            var name = Symbols([parse.GetValue(symbol)!])[0];
            var dataset = parse.GetValue(kind) switch
            {
                "trades" => WrdsTaqSource.Trades,
                "quotes" => WrdsTaqSource.Quotes,
                var other => throw new CliException($"--kind: '{other}' is not one of trades, quotes."),
            };
            var days = Sessions(parse.GetValue(from), parse.GetValue(to));
            var coverage = store.Coverage();
            var missing = days.Where(d => !coverage.Has(d, name)).ToList();
            output.Info($"{name}: {days.Count - missing.Count} of {days.Count} session(s) in tier 3" + (missing.Count == 0 ? "." : $"; {missing.Count} to pull from WRDS ({Range(missing)})."));
            if (missing.Count > 0)
            {
                var pull = new TaqPull(missing, [name], parse.GetValue(keepDays) ?? Setting(configuration, ConfigurationKeys.TaqKeepDays, "--keep-days"));
                await using var client = WrdsConnectionOptions.CreateClient(parse, configuration);
                var ok = await EstimateAndCheckAsync(output, parse, configuration, store, client, pull, estimate, maxRows, force, ct).ConfigureAwait(false);
                if (!ok)
                {
                    return parse.GetValue(estimate) ? ExitCodes.Ok : ExitCodes.Failed;
                }

                await output.WithProgressAsync($"pulling {name} for {missing.Count} day(s)", p =>
                    store.SyncAsync(client, pull, Environment.UserName, new SynchronousProgress<SyncProgress>(x => p.Report(($"{x.Dataset} {x.Stage}", x.Fraction))), ct)).ConfigureAwait(false);
            }
            else if (parse.GetValue(estimate))
            {
                output.Info("Nothing to pull: every session is local.");
                return ExitCodes.Ok;
            }

            return WriteTicks(output, parse, store.Layout, dataset, name, days, parse.GetValue(out_));
        });
        return command;
    }

    private static Command Bars(CliOutput output)
    {
        var symbol = new Option<string>("--symbol") { Description = "Symbol root.", Required = true };
        var date = CliOptions.Date("--date", "The session (yyyy-MM-dd).");
        var command = new Command("bars", "A symbol's one-minute bars of a day from tier 1 (taq/bars_1m), with the day's realized variance and spreads.") { symbol, date };
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var name = Symbols([parse.GetValue(symbol)!])[0];
            var day = parse.GetValue(date);
            var catalog = new WarehouseCatalog(layout);
            if (TaqAggregates.Datasets.FirstOrDefault(d => catalog.ReadCurrent(d) is null) is { } absent)
            {
                throw new CliException($"{absent} is not in the warehouse at {layout.Root}: run research taq sync (WRDS) or research taq aggregate (ticks already local).");
            }

            using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, TaqAggregates.Datasets);
            var where = $"date = {DuckDbSql.Date(day)} AND sym_root = {DuckDbSql.Literal(name)}";
            var bars = TaqAggregates.ReadBars(session, name, day)
                .Select(b => new BarLine($"{b.Start / 3600:D2}:{b.Start / 60 % 60:D2}", b.Open, b.High, b.Low, b.Close, b.Volume, b.Vwap, b.Trades)).ToList();

            if (bars.Count == 0)
            {
                using var command = session.CreateTrustedCommand("SELECT min(date), max(date), count(DISTINCT sym_root) FROM taq.daily_rv");
                using var reader = command.ExecuteReader();
                reader.Read();
                throw new CliException(reader.IsDBNull(0)
                    ? "tier 1 is empty."
                    : $"--symbol {name} --date {day:yyyy-MM-dd}: no bars in tier 1 (it holds {reader.GetInt64(2)} symbols, {reader.GetFieldValue<DateOnly>(0):yyyy-MM-dd}..{reader.GetFieldValue<DateOnly>(1):yyyy-MM-dd}).");
            }

            double? rv = null, spread = null;
            using (var command = session.CreateTrustedCommand($"SELECT r.rv_5m, s.relative_quoted_spread FROM taq.daily_rv r LEFT JOIN taq.daily_spread s USING (date, sym_root) WHERE r.{where.Replace(" AND ", " AND r.", StringComparison.Ordinal)}"))
            using (var reader = command.ExecuteReader())
            {
                if (reader.Read())
                {
                    rv = reader.IsDBNull(0) ? null : reader.GetDouble(0);
                    spread = reader.IsDBNull(1) ? null : reader.GetDouble(1);
                }
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { Symbol = name, Date = day, RealizedVariance5m = rv, RelativeQuotedSpread = spread, Bars = bars });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {day:yyyy-MM-dd}: {bars.Count} one-minute bars, {bars.Sum(b => b.Volume):N0} shares; RV(5 min) {rv?.ToString("G4", CultureInfo.InvariantCulture) ?? "n/a"}, quoted spread {(spread is { } s ? (s * 10_000).ToString("F2", CultureInfo.InvariantCulture) + " bps" : "n/a")}"));
            output.Out.WriteLine("minute       open       high        low      close       volume       vwap  trades");
            foreach (var b in bars)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{b.Minute,-6} {b.Open,10:F4} {b.High,10:F4} {b.Low,10:F4} {b.Close,10:F4} {b.Volume,12:N0} {b.Vwap,10:F4} {b.Trades,7}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A bar as printed and written with --json (minute as HH:mm, the bar's start).</summary>
    public sealed record BarLine(string Minute, double Open, double High, double Low, double Close, long Volume, double Vwap, int Trades);

    private static Command Status(CliOutput output)
    {
        var command = new Command("status", "What the TAQ tiers hold: tier 3 whole days and on-demand symbol-days, tier 1 days, bytes on disk.");
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var coverage = new TaqStore(layout, TimeProvider.System).Coverage();
            var catalog = new WarehouseCatalog(layout);
            var bytes = TaqTicks.Datasets.Concat(TaqAggregates.Datasets).ToDictionary(d => d, d => catalog.ReadCurrent(d)?.Files.Sum(f => f.Bytes) ?? 0L);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    Tier3Days = coverage.WholeDays.Order().ToList(),
                    Tier3SymbolDays = coverage.SymbolDays.OrderBy(x => x.Date).ThenBy(x => x.Symbol, StringComparer.Ordinal).Select(x => new { x.Date, x.Symbol }).ToList(),
                    Tier1Days = coverage.Tier1Days.Order().ToList(),
                    Bytes = bytes,
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine($"tier 3 (ticks): {coverage.WholeDays.Count} whole day(s){(coverage.WholeDays.Count == 0 ? "" : " " + Range(coverage.WholeDays))}; {coverage.SymbolDays.Count} on-demand symbol-day(s)" +
                (coverage.SymbolDays.Count == 0 ? "" : $" ({string.Join(", ", coverage.SymbolDays.OrderBy(x => x.Date).Take(10).Select(x => $"{x.Symbol} {x.Date:yyyy-MM-dd}"))}{(coverage.SymbolDays.Count > 10 ? ", ..." : "")})"));
            output.Out.WriteLine($"tier 1 (aggregates): {coverage.Tier1Days.Count} day(s){(coverage.Tier1Days.Count == 0 ? "" : " " + Range(coverage.Tier1Days))}");
            foreach (var (dataset, size) in bytes)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {dataset,-17} {size / 1048576.0,10:N1} MiB"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints the estimate; false when the command must stop here (--estimate, over the limit, not enough disk).</summary>
    private static async Task<bool> EstimateAndCheckAsync(CliOutput output, ParseResult parse, IConfiguration configuration, TaqStore store, WrdsClient client, TaqPull pull,
        Option<bool> estimateOnly, Option<int?> maxRowsOption, Option<bool> forceOption, CancellationToken ct)
    {
        var maxRows = parse.GetValue(maxRowsOption) ?? Setting(configuration, ConfigurationKeys.TaqMaxRows, "--max-rows") ?? TaqStore.DefaultMaxRows;

        var rate = double.TryParse(configuration[ConfigurationKeys.TaqMegabytesPerSecond], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : TaqStore.DefaultMegabytesPerSecond;
        var estimate = await store.EstimateAsync(client, pull, maxRows, rate, ct).ConfigureAwait(false);
        if (parse.GetValue(CliOptions.Json) && parse.GetValue(estimateOnly))
        {
            output.WriteJson(new EstimateLine(estimate.Days, estimate.Rows, estimate.TransferBytes, estimate.DiskBytes, estimate.ExpectedTime.TotalSeconds, estimate.MaxRows, estimate.FreeBytes, estimate.OverLimit, estimate.FitsOnDisk));
        }
        else
        {
            output.Info($"estimate: {estimate}");
            foreach (var day in estimate.Days)
            {
                output.Info(string.Create(CultureInfo.InvariantCulture, $"  {day.Date:yyyy-MM-dd}: {day.Trades:N0} trades, {day.Quotes:N0} quotes ({day.Basis})"));
            }
        }

        if (parse.GetValue(estimateOnly))
        {
            return false;
        }

        if (estimate.OverLimit && !parse.GetValue(forceOption))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"refused: ~{estimate.Rows:N0} rows is above the limit of {estimate.MaxRows:N0} (--max-rows or Research:Taq:MaxRows); narrow the days or symbols, or add --force."));
        }

        if (!estimate.FitsOnDisk)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"refused: the pull needs ~{estimate.RequiredDiskBytes / 1073741824.0:N2} GiB and {store.Layout.Root} has {estimate.FreeBytes / 1073741824.0:N2} GiB free; free space, or keep fewer sample days (--keep-days)."));
        }

        return true;
    }

    private static int WriteTicks(CliOutput output, ParseResult parse, WarehouseLayout layout, string dataset, string symbol, List<DateOnly> days, string? outFile)
    {
        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, [dataset]);
        var view = dataset.Replace('/', '.');
        var sql = $"SELECT * FROM {view} WHERE sym_root = {DuckDbSql.Literal(symbol)} AND date BETWEEN {DuckDbSql.Date(days[0])} AND {DuckDbSql.Date(days[^1])} ORDER BY date, time_m_us";
        using var command = session.CreateTrustedCommand(sql);
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        long rows = 0;
        using var writer = outFile is null ? null : new StreamWriter(outFile, false, new UTF8Encoding(false));
        writer?.WriteLine(string.Join(',', columns));
        var shown = new List<string>();
        while (reader.Read())
        {
            var line = string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i) is DateOnly d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : reader.GetValue(i), CultureInfo.InvariantCulture)));
            writer?.WriteLine(line);
            if (shown.Count < 20)
            {
                shown.Add(line);
            }

            rows++;
        }

        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(new { Symbol = symbol, Dataset = dataset, From = days[0], To = days[^1], Rows = rows, File = outFile });
            return ExitCodes.Ok;
        }

        if (outFile is null)
        {
            output.Out.WriteLine(string.Join(',', columns));
            foreach (var line in shown)
            {
                output.Out.WriteLine(line);
            }
        }

        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows:N0} {dataset} rows of {symbol}, {days[0]:yyyy-MM-dd}..{days[^1]:yyyy-MM-dd}{(outFile is null ? "" : " written to " + outFile)}"));
        return ExitCodes.Ok;
    }

    private static void WriteOutcomes(CliOutput output, ParseResult parse, IReadOnlyList<SyncOutcome> outcomes)
    {
        var lines = outcomes.Select(o => new SyncLine(o.Dataset, o.Manifest.VersionId, o.Manifest.Rows, o.ChunksPulled, o.Validation.Passed ? "passed" : "failed")).ToList();
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(lines);
            return;
        }

        foreach (var line in lines)
        {
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line.Dataset,-17} {line.Version}  {line.Rows,12:N0} rows  {line.ChunksPulled} chunk(s) pulled  validation {line.Validation}"));
        }
    }

    private static List<DateOnly> Sessions(DateOnly from, DateOnly? to)
    {
        var last = to ?? from;
        if (from > last)
        {
            throw new CliException($"--from {from:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}.");
        }

        if (last.DayNumber - from.DayNumber > 3_660)
        {
            throw new CliException($"--from {from:yyyy-MM-dd} --to {last:yyyy-MM-dd}: more than ten years of ticks in one command; pull fewer days at a time.");
        }

        var sessions = NyseCalendar.Instance.Sessions(from, last).ToList();
        return sessions.Count > 0 ? sessions : throw new CliException($"--from {from:yyyy-MM-dd} --to {last:yyyy-MM-dd}: no NYSE session in that range.");
    }

    private static List<string> Symbols(IEnumerable<string> given, string option = "--symbol")
    {
        try
        {
            var symbols = given.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(WrdsTaq.SymbolRoot).Distinct().ToList();
            return symbols.Count > 0 ? symbols : throw new CliException($"{option}: no symbol given.");
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{option}: " + e.Message.Split(" (Parameter", 2)[0], e);
        }
    }

    private static int? Setting(IConfiguration configuration, string key, string option)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new CliException($"{key} = '{text}' is not a positive whole number (the default of {option}).");
    }

    private static string Range(IEnumerable<DateOnly> days)
    {
        var list = days.Order().ToList();
        return list.Count == 1 ? $"{list[0]:yyyy-MM-dd}" : $"{list[0]:yyyy-MM-dd}..{list[^1]:yyyy-MM-dd}";
    }
}
