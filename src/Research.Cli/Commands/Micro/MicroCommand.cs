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
        var micro = new Command("micro", "Market microstructure from tick data: spreads and depth, one-minute bars (LOBSTER files for now).");
        micro.Subcommands.Add(Spreads(output));
        micro.Subcommands.Add(Bars(output));
        micro.Subcommands.Add(Realized(output));
        micro.Subcommands.Add(Pattern(output));
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
}
