using System.CommandLine;
using System.Globalization;
using Research.Analytics.Execution;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;

namespace Research.Cli.Commands.Execution;

/// <summary>
/// <c>research execution schedule --symbol S --shares X</c>: when to trade an order. Calibrates Almgren-Chriss (2000) from the
/// symbol's recent days in TAQ tier 1 (volatility from the 5-minute RV, spread, daily volume; the paper's impact
/// calibration) and compares the optimal schedule for the given risk aversion with TWAP and with trading along the
/// measured intraday volume profile: expected cost, its standard deviation and the participation in each interval.
/// Time is counted in session days of 390 minutes.
/// </summary>
internal static class ScheduleCommand
{
    /// <summary>Minutes of a full session, the unit of time of the calibration.</summary>
    private const double SessionMinutes = 390;

    /// <summary>A schedule's totals as printed and written with --json: costs in dollars and in basis points of the order's value.</summary>
    public sealed record ScheduleTotals(string Schedule, double ExpectedCost, double CostSd, double ExpectedBps, double CostSdBps, double MaxParticipation);

    /// <summary>One interval: its start (HH:mm), the shares each schedule trades in it, the mean volume measured then.</summary>
    public sealed record IntervalLine(string Start, double Optimal, double Remaining, double Twap, double Profile, double MeasuredVolume, double? Participation);

    public static Command Create(CliOutput output)
    {
        var symbol = new Option<string>("--symbol") { Description = "Symbol root (its days in TAQ tier 1 calibrate the model).", Required = true };
        var shares = new Option<int>("--shares") { Description = "Shares to trade.", Required = true }.Positive();
        var side = new Option<string>("--side") { Description = "sell (default) or buy (the same schedule: the costs are symmetric).", DefaultValueFactory = _ => "sell" }.OneOf("sell", "buy");
        var start = new Option<string>("--start") { Description = "Start time, HH:mm New York (default 09:30).", DefaultValueFactory = _ => "09:30" };
        var minutes = new Option<int>("--minutes") { Description = "Minutes to trade over (default 390: the whole session).", DefaultValueFactory = _ => 390 }.Between(1, 390);
        var intervals = new Option<int>("--intervals") { Description = "Trading intervals (default 13: half hours over a session).", DefaultValueFactory = _ => 13 }.Between(1, 390);
        var lambda = new Option<double>("--risk-aversion") { Description = "λ, per dollar (default 1e-6, the paper's example; 0 gives TWAP).", DefaultValueFactory = _ => 1e-6 }.Within(0, 1);
        var through = CliOptions.OptionalDate("--through", "Last day of the calibration window (default: the latest in tier 1).");
        var days = new Option<int>("--days") { Description = "Days of tier 1 to calibrate on (default 20).", DefaultValueFactory = _ => 20 }.Between(1, 2_520);
        var fee = new Option<double>("--fee") { Description = "Fees per share in dollars, added to half the spread (default 0).", DefaultValueFactory = _ => 0 }.Within(0, 100);
        var command = new Command("schedule", "An Almgren-Chriss schedule calibrated on the symbol's TAQ tier 1 (volatility, spread, volume), against TWAP and the measured volume profile.")
        {
            symbol, shares, side, start, minutes, intervals, lambda, through, days, fee,
        };
        command.SetAction(parse =>
        {
            if (!TimeOnly.TryParseExact(parse.GetValue(start), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startTime) || startTime < new TimeOnly(9, 30))
            {
                throw new CliException($"--start: '{parse.GetValue(start)}' is not a time from 09:30 in the form HH:mm.");
            }

            var first = (startTime.Hour * 60) + startTime.Minute;
            var length = parse.GetValue(minutes);
            var n = parse.GetValue(intervals);
            if (first + length > 16 * 60)
            {
                throw new CliException($"--start {startTime:HH:mm} --minutes {length} ends after the 16:00 close.");
            }

            if (n > length)
            {
                throw new CliException($"--intervals {n} is more than --minutes {length}: an interval is at least a minute.");
            }

            ScheduleInputs inputs;
            using (var session = WarehouseQuerySession.Open(WarehouseOptions.Layout(parse), VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
            {
                try
                {
                    inputs = ScheduleInputs.FromTier1(session, parse.GetValue(symbol)!.ToUpperInvariant(), parse.GetValue(through), parse.GetValue(days));
                }
                catch (ArgumentException e)
                {
                    throw new CliException("--symbol: " + e.Message, e);
                }
            }

            var (sigma, epsilon, eta, gamma) = AlmgrenChriss.Calibrate(inputs.Price, inputs.DailyVariance, inputs.Spread, inputs.DailyVolume, parse.GetValue(fee));
            var p = new AlmgrenChrissParameters(parse.GetValue(shares), length / SessionMinutes, n, sigma, epsilon, eta, gamma, parse.GetValue(lambda));
            AlmgrenChrissSchedule optimal;
            try
            {
                optimal = AlmgrenChriss.Optimal(p);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, e);
            }

            var twap = AlmgrenChriss.Optimal(p with { RiskAversion = 0 });
            var bounds = Enumerable.Range(0, n + 1).Select(k => first + (int)Math.Round(k * length / (double)n)).ToArray();
            var volume = Enumerable.Range(0, n).Select(k => inputs.VolumeBetween(bounds[k], bounds[k + 1])).ToArray();
            var totalVolume = volume.Sum();
            var profileHoldings = new double[n + 1];
            profileHoldings[0] = p.Shares;
            for (var k = 1; k <= n; k++)
            {
                profileHoldings[k] = k == n ? 0 : profileHoldings[k - 1] - (totalVolume > 0 ? p.Shares * volume[k - 1] / totalVolume : p.Shares / n);
            }

            var profile = AlmgrenChriss.Evaluate(p, profileHoldings);
            var notional = inputs.Price * p.Shares;
            ScheduleTotals Totals(string name, AlmgrenChrissSchedule s) => new(name, s.ExpectedCost, Math.Sqrt(s.Variance), 10_000 * s.ExpectedCost / notional, 10_000 * Math.Sqrt(s.Variance) / notional,
                Enumerable.Range(0, n).Max(k => volume[k] > 0 ? s.Trades[k] / volume[k] : double.PositiveInfinity));
            var totals = new[] { Totals($"Almgren-Chriss λ={p.RiskAversion.ToString("G3", CultureInfo.InvariantCulture)}", optimal), Totals("TWAP", twap), Totals("volume profile", profile) };
            var lines = Enumerable.Range(0, n).Select(k => new IntervalLine($"{bounds[k] / 60:D2}:{bounds[k] % 60:D2}", optimal.Trades[k], optimal.Holdings[k + 1], twap.Trades[k], profile.Trades[k], volume[k],
                volume[k] > 0 ? optimal.Trades[k] / volume[k] : null)).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    inputs.Symbol,
                    Side = parse.GetValue(side),
                    Shares = p.Shares,
                    inputs.From,
                    inputs.Through,
                    inputs.Days,
                    inputs.Price,
                    inputs.DailyVariance,
                    inputs.Spread,
                    inputs.DailyVolume,
                    Sigma = sigma,
                    Epsilon = epsilon,
                    Eta = eta,
                    Gamma = gamma,
                    optimal.Kappa,
                    Totals = totals,
                    Intervals = lines,
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{parse.GetValue(side)} {p.Shares:N0} {inputs.Symbol} from {startTime:HH:mm} over {length} minutes in {n} intervals; calibrated on {inputs.Days} day(s) {inputs.From:yyyy-MM-dd}..{inputs.Through:yyyy-MM-dd} of TAQ tier 1:"));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  price {inputs.Price:F2}, daily volatility {Math.Sqrt(inputs.DailyVariance):P2} (σ ${sigma:F4}/share/√day), spread ${inputs.Spread:F4}, daily volume {inputs.DailyVolume:N0}; ε {epsilon:F4}, η {eta:G3}, γ {gamma:G3}, κ {optimal.Kappa:F3}/day"));
            output.Out.WriteLine("schedule                       expected cost      (bps)    cost sd      (bps)  max participation");
            foreach (var t in totals)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Schedule,-28} {t.ExpectedCost,15:N0} {t.ExpectedBps,10:F2} {t.CostSd,10:N0} {t.CostSdBps,10:F2} {t.MaxParticipation,18:P1}"));
            }

            output.Out.WriteLine("start   optimal shares   remaining        TWAP   profile   measured volume  participation");
            foreach (var l in lines)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{l.Start,-6} {l.Optimal,15:N0} {l.Remaining,11:N0} {l.Twap,11:N0} {l.Profile,9:N0} {l.MeasuredVolume,17:N0} {(l.Participation is { } q ? q.ToString("P1", CultureInfo.InvariantCulture) : "n/a"),14}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
