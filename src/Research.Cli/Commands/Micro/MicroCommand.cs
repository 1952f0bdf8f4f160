using System.CommandLine;
using System.Globalization;
using System.Text;
using Research.Analytics.Microstructure;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Micro;

/// <summary>
/// <c>research micro spreads|bars|rv --lobster FILE</c> and <c>research micro pattern</c> (the warehouse's TAQ ticks): market microstructure of one LOBSTER day (level 1 message and
/// orderbook files side by side): quoted, effective and realized spreads, price impact, depth, Roll's spread and
/// Kyle's lambda; one-minute bars; realized variance, bipower variation and jumps.
/// </summary>
public static class MicroCommand
{
    public static Command Create(CliOutput output)
    {
        var micro = new Command("micro", "Market microstructure: spreads, depth, bars and realized variance of a LOBSTER day; the intraday pattern, HAR-RV and VPIN of the warehouse's TAQ ticks; Amihud illiquidity from CRSP.");
        micro.Subcommands.Add(Spreads(output));
        micro.Subcommands.Add(Bars(output));
        micro.Subcommands.Add(Realized(output));
        micro.Subcommands.Add(Pattern(output));
        micro.Subcommands.Add(Har(output));
        micro.Subcommands.Add(VpinCommand(output));
        micro.Subcommands.Add(AmihudCommand(output));
        return micro;
    }

    /// <summary>The day's spreads as printed and written with --json (NaN as null: no trade or no quote).</summary>
    public sealed record SpreadsLine(string Symbol, DateOnly Date, int Events, double? QuotedSpread, double? RelativeQuotedSpreadBps, double? BidDepth, double? AskDepth, double QuotedSeconds,
        double? EffectiveSpread, double? RelativeEffectiveSpreadBps, double? RelativeRealizedSpreadBps, double? RelativePriceImpactBps, int Trades, int TradesWithoutQuote, int TradesWithoutHorizon, double HorizonSeconds,
        double? RollSpread, double? KyleLambda, double? KyleRSquared);

    /// <summary>The day's realized measures as printed and written with --json.</summary>
    public sealed record RealizedLine(string Symbol, DateOnly Date, double IntervalSeconds, int Returns, double Variance, double Subsampled, int Grids, double Bipower, double Jump, double JumpShare,
        double AnnualisedVolatility);

    private static readonly string[] TaqDatasets = ["taq/trades", "taq/quotes"];

    private static Option<string> LobsterOption() => new("--lobster") { Description = "A LOBSTER message file (SYMBOL_yyyy-MM-dd_START_END_message_1.csv); its orderbook file must be beside it.", Required = true };

    private static LobsterDay Read(string file)
    {
        try
        {
            return LobsterDay.Read(Path.GetFullPath(file));
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            throw new CliException("--lobster: " + e.Message, e);
        }
    }

    private static double? N(double x) => double.IsFinite(x) ? x : null;

    private static Command Spreads(CliOutput output)
    {
        var lobster = LobsterOption();
        var horizon = new Option<int>("--horizon") { Description = "Seconds after a trade for the realized spread and price impact (default 300).", DefaultValueFactory = _ => 300 }.Positive();
        var command = new Command("spreads", "Quoted, effective and realized spreads, price impact and depth of the day's regular session.") { lobster, horizon };
        command.SetAction(parse =>
        {
            var day = Read(parse.GetValue(lobster)!);
            var s = IntradayMeasures.Spreads(day.Events, parse.GetValue(horizon));
            var kyle = RealizedMeasures.Kyle(day.Events, parse.GetValue(horizon));
            var line = new SpreadsLine(day.Symbol, day.Date, day.Events.Count, N(s.QuotedSpread), N(s.RelativeQuotedSpread * 1e4), N(s.BidDepth), N(s.AskDepth), s.QuotedSeconds,
                N(s.EffectiveSpread), N(s.RelativeEffectiveSpread * 1e4), N(s.RelativeRealizedSpread * 1e4), N(s.RelativePriceImpact * 1e4), s.Trades, s.TradesWithoutQuote, s.TradesWithoutHorizon, s.Horizon,
                RealizedMeasures.Roll(day.Events).Spread, N(kyle.Lambda), N(kyle.RSquared));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(line);
                return ExitCodes.Ok;
            }

            string F(double? x, string format) => x is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "none";
            var table = new Table().AddColumns("Measure", "Value").HideHeaders();
            table.AddRow("Events", line.Events.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("Quoted spread", $"${F(line.QuotedSpread, "F4")} ({F(line.RelativeQuotedSpreadBps, "F2")} bps), time-weighted over {line.QuotedSeconds:N0} s with both sides quoted");
            table.AddRow("Depth at the top", $"bid {F(line.BidDepth, "N0")}, ask {F(line.AskDepth, "N0")} shares, time-weighted");
            table.AddRow("Effective spread", $"{F(line.RelativeEffectiveSpreadBps, "F2")} bps, share-weighted over {line.Trades - line.TradesWithoutQuote:N0} of {line.Trades:N0} trades");
            table.AddRow($"Realized spread ({line.HorizonSeconds:0} s)", $"{F(line.RelativeRealizedSpreadBps, "F2")} bps");
            table.AddRow($"Price impact ({line.HorizonSeconds:0} s)", $"{F(line.RelativePriceImpactBps, "F2")} bps ({line.TradesWithoutHorizon:N0} trades too late in the day or without a quote then are left out of both)");
            table.AddRow("Roll's spread", line.RollSpread is { } roll ? $"${roll:F4} (from the autocovariance of trade-price changes)" : "none (the price changes are not negatively autocorrelated)");
            table.AddRow($"Kyle's lambda ({line.HorizonSeconds:0} s)", $"{F(line.KyleLambda * 1e6, "F3")} $ per million shares of signed volume (R² {F(line.KyleRSquared, "F2")}, {kyle.Intervals} intervals)");
            output.Out.WriteLine($"{day.Symbol} {day.Date:yyyy-MM-dd}, regular session 09:30-16:00 (executions: LOBSTER types 4 and 5)");
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Realized(CliOutput output)
    {
        var lobster = LobsterOption();
        var interval = new Option<int>("--interval") { Description = "Sampling interval in seconds (default 300: five minutes).", DefaultValueFactory = _ => 300 }.Positive();
        var step = new Option<int>("--step") { Description = "Shift between the subsampled grids in seconds (default 60; at most the interval).", DefaultValueFactory = _ => 60 }.Positive();
        var command = new Command("rv", "Realized variance of the day's midquote (plain and subsampled), bipower variation and the jump part.") { lobster, interval, step };
        command.SetAction(parse =>
        {
            if (parse.GetValue(step) > parse.GetValue(interval))
            {
                throw new CliException($"--step ({parse.GetValue(step)} s) must not exceed --interval ({parse.GetValue(interval)} s).");
            }

            var day = Read(parse.GetValue(lobster)!);
            var r = RealizedMeasures.Realized(day.Events, parse.GetValue(interval), parse.GetValue(step));
            var line = new RealizedLine(day.Symbol, day.Date, r.Interval, r.Returns, r.Variance, r.Subsampled, r.Grids, r.Bipower, r.Jump, r.JumpShare, Research.Core.Calendars.Annualisation.Volatility(Math.Sqrt(r.Variance)));
            output.Done(parse, string.Create(CultureInfo.InvariantCulture,
                $"{day.Symbol} {day.Date:yyyy-MM-dd}, midquote every {r.Interval:0} s ({r.Returns} returns): RV {r.Variance:E4} (annualised volatility {line.AnnualisedVolatility:P1}), " +
                $"subsampled over {r.Grids} grids {r.Subsampled:E4}, bipower {r.Bipower:E4}, jump part {r.Jump:E4} ({r.JumpShare:P1} of RV)"), line);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pattern(CliOutput output)
    {
        var buckets = new Option<int>("--buckets") { Description = "Slices of the session (default 13: half hours of a full day; a half day is stretched to the same fractions).", DefaultValueFactory = _ => 13 }.Between(1, 390);
        var seconds = new Option<int>("--return-seconds") { Description = "Midquote returns every this many seconds for the variance (default 60).", DefaultValueFactory = _ => 60 }.Between(1, 3_600);
        var command = new Command("pattern", "The intraday pattern of the warehouse's TAQ ticks (taq/trades, taq/quotes): trades, shares, midquote variance and quoted spread by slice of the session.") { buckets, seconds };
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var catalog = new Research.Data.Warehouse.WarehouseCatalog(layout);
            if (TaqDatasets.FirstOrDefault(d => catalog.ReadCurrent(d) is null) is { } missing)
            {
                throw new CliException($"{missing} is not in the warehouse at {layout.Root}: sync it first (research sync --dataset taq).");
            }

            using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, TaqDatasets);
            var pattern = IntradayPattern.Measure(session, parse.GetValue(buckets), parse.GetValue(seconds));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { pattern.SymbolDays, pattern.Trades, pattern.Quotes, pattern.ReturnSeconds, buckets = pattern.Buckets.Select(b => new { b.From, b.To, b.Trades, b.TradeShare, b.Volume, b.VolumeShare, b.Variance, b.VarianceShare, RelativeSpread = N(b.RelativeSpread) }) });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Slice of the session", "Trades", "Share", "Shares traded", "Share", "Variance share", "Quoted spread (bps)");
            foreach (var b in pattern.Buckets)
            {
                table.AddRow($"{b.From:P1} to {b.To:P1}", b.Trades.ToString("N0", CultureInfo.InvariantCulture), b.TradeShare.ToString("P1", CultureInfo.InvariantCulture),
                    b.Volume.ToString("N0", CultureInfo.InvariantCulture), b.VolumeShare.ToString("P1", CultureInfo.InvariantCulture), b.VarianceShare.ToString("P1", CultureInfo.InvariantCulture),
                    double.IsFinite(b.RelativeSpread) ? (b.RelativeSpread * 1e4).ToString("F2", CultureInfo.InvariantCulture) : "none");
            }

            output.Out.WriteLine($"{pattern.SymbolDays} symbol-days, {pattern.Trades:N0} trades, {pattern.Quotes:N0} quotes; variance from midquote returns every {pattern.ReturnSeconds} s");
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Bars(CliOutput output)
    {
        var lobster = LobsterOption();
        var save = new Option<string?>("--out") { Description = "Write the bars to this CSV file (minute,open,high,low,close,volume,vwap,trades) instead of printing them." }.WritableFile();
        var command = new Command("bars", "One-minute bars (OHLC, shares, VWAP, trades) of the day's executions in the regular session; minutes without a trade have no bar.") { lobster, save };
        command.SetAction(parse =>
        {
            var day = Read(parse.GetValue(lobster)!);
            var bars = IntradayMeasures.Bars(day.Events);
            string Minute(int seconds) => TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(seconds)).ToString("HH:mm", CultureInfo.InvariantCulture);
            if (parse.GetValue(save) is { } file)
            {
                var csv = new StringBuilder("minute,open,high,low,close,volume,vwap,trades\n");
                foreach (var b in bars)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{day.Date:yyyy-MM-dd} {Minute(b.Start)},{b.Open:R},{b.High:R},{b.Low:R},{b.Close:R},{b.Volume},{b.Vwap:R},{b.Trades}\n");
                }

                File.WriteAllText(file, csv.ToString());
                output.Done(parse, $"{bars.Count} one-minute bars of {day.Symbol} {day.Date:yyyy-MM-dd} written to {file}", new { day.Symbol, day.Date, bars = bars.Count, file });
                return ExitCodes.Ok;
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { day.Symbol, day.Date, bars });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Minute", "Open", "High", "Low", "Close", "Shares", "VWAP", "Trades");
            foreach (var b in bars)
            {
                table.AddRow(Minute(b.Start), b.Open.ToString("F2", CultureInfo.InvariantCulture), b.High.ToString("F2", CultureInfo.InvariantCulture), b.Low.ToString("F2", CultureInfo.InvariantCulture),
                    b.Close.ToString("F2", CultureInfo.InvariantCulture), b.Volume.ToString("N0", CultureInfo.InvariantCulture), b.Vwap.ToString("F4", CultureInfo.InvariantCulture), b.Trades.ToString(CultureInfo.InvariantCulture));
            }

            output.Out.WriteLine($"{day.Symbol} {day.Date:yyyy-MM-dd}: {bars.Count} one-minute bars, {bars.Sum(b => b.Volume):N0} shares in {bars.Sum(b => b.Trades):N0} trades (regular session; times New York)");
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The days of one symbol in the warehouse's TAQ ticks (refused by name when the datasets or the symbol are missing).</summary>
    private static List<TickDay> SymbolDays(System.CommandLine.ParseResult parse, string symbol, CancellationToken ct)
    {
        var layout = WarehouseOptions.Layout(parse);
        var catalog = new Research.Data.Warehouse.WarehouseCatalog(layout);
        if (TaqDatasets.FirstOrDefault(d => catalog.ReadCurrent(d) is null) is { } missing)
        {
            throw new CliException($"{missing} is not in the warehouse at {layout.Root}: sync it first (research sync --dataset taq).");
        }

        using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, TaqDatasets);
        var days = TaqTicks.Read(session, symbol, ct).ToList();
        if (days.Count == 0)
        {
            using var command = session.CreateTrustedCommand("SELECT DISTINCT sym_root FROM taq.trades ORDER BY 1 LIMIT 20");
            using var reader = command.ExecuteReader();
            var known = new List<string>();
            while (reader.Read())
            {
                known.Add(reader.GetString(0));
            }

            throw new CliException($"--symbol {symbol}: no TAQ ticks in the warehouse (symbols there: {string.Join(", ", known)}).");
        }

        return days;
    }

    private static Option<string> SymbolOption() => new("--symbol") { Description = "The symbol (TAQ sym_root) whose days to read from the warehouse's taq/trades and taq/quotes.", Required = true };

    private static Command Har(CliOutput output)
    {
        var symbol = SymbolOption();
        var train = new Option<int>("--train") { Description = "Days of the first fit (default 150); every later day is forecast out of sample from a fit on the days before it.", DefaultValueFactory = _ => 150 }.Between(HarModel.Month + 10, 100_000);
        var interval = new Option<int>("--interval") { Description = "Sampling interval of the daily realized variance in seconds (default 300).", DefaultValueFactory = _ => 300 }.Between(1, 3_600);
        var command = new Command("har", "HAR-RV (Corsi 2009) on a symbol's daily realized variance from the warehouse's TAQ ticks: fit, out-of-sample MSE and QLIKE against yesterday's RV, and tomorrow's forecast.") { symbol, train, interval };
        command.SetAction(async (parse, ct) =>
        {
            var days = SymbolDays(parse, parse.GetValue(symbol)!, ct);
            var seconds = parse.GetValue(interval);
            var rv = await output.WithProgressAsync($"realized variance of {days.Count} days", progress => Task.Run(() => days.Select((d, k) =>
            {
                progress.Report(("days", k / (double)days.Count));
                return RealizedMeasures.Realized(d.Events, seconds, Math.Min(60, seconds), d.Open, d.Close).Variance;
            }).ToArray(), ct)).ConfigureAwait(false);
            var kept = Enumerable.Range(0, days.Count).Where(k => rv[k] > 0).ToArray();
            if (kept.Length < days.Count)
            {
                output.Info($"{days.Count - kept.Length} day(s) without a midquote change are left out.");
            }

            if (kept.Length < parse.GetValue(train) + 10)
            {
                throw new CliException($"--train {parse.GetValue(train)}: {parse.GetValue(symbol)} has {kept.Length} day(s) with a realized variance; HAR needs the --train days to fit and at least 10 more to test.");
            }

            HarEvaluation evaluation;
            try
            {
                evaluation = HarModel.Evaluate([.. kept.Select(k => days[k].Date)], [.. kept.Select(k => rv[k])], parse.GetValue(train));
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, e);
            }

            var values = kept.Select(k => rv[k]).ToArray();
            var fit = HarModel.Fit(values, values.Length - 1);
            var tomorrow = HarModel.Forecast(fit, values, values.Length - 1);
            var result = new
            {
                Symbol = days[0].Symbol,
                Days = values.Length,
                From = days[kept[0]].Date,
                To = days[kept[^1]].Date,
                IntervalSeconds = seconds,
                evaluation.TrainDays,
                Tested = evaluation.Forecasts.Count,
                evaluation.HarMse,
                evaluation.NaiveMse,
                evaluation.MseRatio,
                evaluation.HarQlike,
                evaluation.NaiveQlike,
                evaluation.QlikeRatio,
                Fit = new { fit.Intercept, fit.Daily, fit.Weekly, fit.Monthly, RSquared = N(fit.RSquared), fit.Observations },
                NextForecast = tomorrow,
                NextVolatilityAnnualised = Research.Core.Calendars.Annualisation.Volatility(Math.Sqrt(Math.Max(tomorrow, 0))),
                Forecasts = evaluation.Forecasts,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("", "HAR", "Naive (RV yesterday)", "HAR / naive");
            table.AddRow("MSE", evaluation.HarMse.ToString("E3", CultureInfo.InvariantCulture), evaluation.NaiveMse.ToString("E3", CultureInfo.InvariantCulture), evaluation.MseRatio.ToString("F3", CultureInfo.InvariantCulture));
            table.AddRow("QLIKE", evaluation.HarQlike.ToString("F4", CultureInfo.InvariantCulture), evaluation.NaiveQlike.ToString("F4", CultureInfo.InvariantCulture), evaluation.QlikeRatio.ToString("F3", CultureInfo.InvariantCulture));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Symbol}: {values.Length} days {result.From:yyyy-MM-dd} to {result.To:yyyy-MM-dd}, RV at {seconds} s; first fit on {evaluation.TrainDays} days, {evaluation.Forecasts.Count} days forecast out of sample (expanding window)"));
            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fit on all days: RV(t+1) = {fit.Intercept:E3} + {fit.Daily:F3} RV(t) + {fit.Weekly:F3} RV(week) + {fit.Monthly:F3} RV(month), R² {fit.RSquared:F3}; next day's forecast {tomorrow:E3} (annualised volatility {result.NextVolatilityAnnualised:P1})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command VpinCommand(CliOutput output)
    {
        var symbol = SymbolOption();
        var perDay = new Option<int>("--buckets-per-day") { Description = "Volume buckets per average day (default 50: a bucket of ADV/50, as published).", DefaultValueFactory = _ => 50 }.Between(1, 10_000);
        var window = new Option<int>("--window") { Description = "Buckets per VPIN value (default 50).", DefaultValueFactory = _ => 50 }.Between(1, 10_000);
        var command = new Command("vpin", "VPIN (Easley, López de Prado and O'Hara 2012) of a symbol from the warehouse's TAQ ticks: one-minute bars, bulk volume classification, volume buckets.") { symbol, perDay, window };
        command.SetAction((parse, ct) =>
        {
            var days = SymbolDays(parse, parse.GetValue(symbol)!, ct);
            var bars = Vpin.Bars(days);
            var adv = Vpin.AverageDailyVolume(days);
            VpinResult result;
            try
            {
                result = Vpin.Measure(bars, adv, parse.GetValue(perDay), parse.GetValue(window));
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, e);
            }

            var values = result.Values.Order().ToArray();
            if (values.Length == 0)
            {
                throw new CliException($"{result.Buckets.Count} volume buckets filled, fewer than the window of {result.Window}: VPIN needs more days or a shorter --window.");
            }

            double Q(double p) => Research.Core.Statistics.Quantiles.Linear(values, p);
            var summary = new
            {
                Symbol = days[0].Symbol,
                Days = days.Count,
                AverageDailyVolume = adv,
                result.BucketVolume,
                result.Window,
                result.SigmaPriceChange,
                result.Bars,
                Buckets = result.Buckets.Count,
                Mean = values.Average(),
                Median = Q(0.5),
                P90 = Q(0.9),
                P99 = Q(0.99),
                Last = result.Buckets[^1].Vpin,
            };
            output.Done(parse, string.Create(CultureInfo.InvariantCulture,
                $"{summary.Symbol}: {days.Count} days, ADV {adv:N0} shares, buckets of {result.BucketVolume:N0} shares ({result.Buckets.Count:N0} filled), window {result.Window}, σ(ΔP) of one-minute bars ${result.SigmaPriceChange:F4}: " +
                $"VPIN mean {summary.Mean:F3}, median {summary.Median:F3}, 90th percentile {summary.P90:F3}, 99th {summary.P99:F3}, last {summary.Last:F3}"), new { summary, buckets = result.Buckets.Select(b => new { b.Date, b.Time, b.BuyVolume, b.SellVolume, Vpin = N(b.Vpin) }) });
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command AmihudCommand(CliOutput output)
    {
        var from = CliOptions.Date("--from", "First day (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last day (YYYY-MM-DD).");
        var minDays = new Option<int>("--min-days") { Description = "Least trading days a security needs (default 100).", DefaultValueFactory = _ => 100 }.Positive();
        var top = new Option<int>("--top") { Description = "Securities listed, most illiquid first (default 10; --json lists all).", DefaultValueFactory = _ => 10 }.Positive();
        var command = new Command("amihud", "Amihud (2002) illiquidity from CRSP daily: the mean |return| per million dollars traded, per security.") { from, to, minDays, top };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(parse =>
        {
            var layout = WarehouseOptions.Layout(parse);
            using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(layout, Research.Data.Warehouse.VersionSelector.Current, Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System);
            Research.Analytics.Factors.EquityPanel panel;
            try
            {
                panel = Research.Analytics.Factors.EquityPanelLoader.Load(session, parse.GetValue(from), parse.GetValue(to));
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message, e);
            }

            var result = Amihud.Measure(panel, 0, panel.Sessions - 1, parse.GetValue(minDays)).OrderByDescending(a => a.Illiquidity).ToList();
            if (result.Count == 0)
            {
                throw new CliException($"No security has {parse.GetValue(minDays)} trading days with a return and volume between {panel.Dates[0]:yyyy-MM-dd} and {panel.Dates[^1]:yyyy-MM-dd}.");
            }

            var labels = panel.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => panel.Labels[p.i]);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { from = panel.Dates[0], to = panel.Dates[^1], securities = result.Select(a => new { a.Permno, Label = labels[a.Permno], a.Illiquidity, a.Days }) });
                return ExitCodes.Ok;
            }

            var sorted = result.Select(a => a.Illiquidity).Order().ToArray();
            var table = new Table().AddColumns("PERMNO", "Label", "Illiquidity (|r| per $1M)", "Days");
            foreach (var a in result.Take(parse.GetValue(top)))
            {
                table.AddRow(a.Permno.ToString(CultureInfo.InvariantCulture), Markup.Escape(labels[a.Permno]), a.Illiquidity.ToString("E3", CultureInfo.InvariantCulture), a.Days.ToString(CultureInfo.InvariantCulture));
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Count} securities, {panel.Dates[0]:yyyy-MM-dd} to {panel.Dates[^1]:yyyy-MM-dd}: median {Research.Core.Statistics.Quantiles.Linear(sorted, 0.5):E3}, 90th percentile {Research.Core.Statistics.Quantiles.Linear(sorted, 0.9):E3} (|return| per million dollars)"));
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
