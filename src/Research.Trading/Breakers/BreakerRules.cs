using System.Globalization;

namespace Research.Trading.Breakers;

/// <summary>
/// The limits an account's breaker trips at; null turns a rule off. Fractions are of equity (0.1 = 10%).
/// </summary>
/// <param name="MaxDrawdown">Equity below its running peak by more than this fraction.</param>
/// <param name="MaxDailyLoss">Equity below the day's opening equity by more than this fraction.</param>
/// <param name="MaxOrderErrorRate">Rejected share of the last <paramref name="ErrorWindow"/> orders above this (judged once that many were sent).</param>
/// <param name="MaxDataAge">A price older than this (from its session's date to now) trips instead of trading on it.</param>
/// <param name="MaxPositionFraction">One position's absolute value above this fraction of equity.</param>
public sealed record BreakerLimits(
    double? MaxDrawdown = 0.10,
    double? MaxDailyLoss = 0.03,
    double? MaxOrderErrorRate = 0.5,
    int ErrorWindow = 20,
    TimeSpan? MaxDataAge = null,
    double? MaxPositionFraction = 0.25)
{
    public static BreakerLimits Default { get; } = new();

    /// <summary>Every limit off.</summary>
    public static BreakerLimits None { get; } = new(null, null, null, 20, null, null);

    /// <summary>What is wrong with the limits, or an empty list.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Fraction(double? value, string name)
        {
            if (value is { } v && !(v > 0 && v <= 1))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be a fraction above 0 and at most 1 (got {v})."));
            }
        }

        Fraction(MaxDrawdown, "max drawdown");
        Fraction(MaxDailyLoss, "max daily loss");
        Fraction(MaxOrderErrorRate, "max order error rate");
        if (MaxPositionFraction is { } p && !(p > 0 && double.IsFinite(p)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"max position fraction must be above 0 (got {p})."));
        }

        if (ErrorWindow < 1)
        {
            problems.Add($"error window must be at least 1 order (got {ErrorWindow}).");
        }

        if (MaxDataAge is { } age && age <= TimeSpan.Zero)
        {
            problems.Add($"max data age must be positive (got {age}).");
        }

        return problems;
    }
}

/// <summary>An account's state as the rules read it.</summary>
/// <param name="RecentOrders">Outcomes of the latest orders, oldest first (true = rejected).</param>
public sealed record BreakerMetrics(double Equity, double PeakEquity, double DayStartEquity, IReadOnlyList<bool> RecentOrders, double LargestPosition);

/// <summary>A rule that fired: its name (the breaker's trip source) and a sentence with the numbers.</summary>
public sealed record BreakerTrip(string Rule, string Reason);

/// <summary>The account rules (drawdown, daily loss, order error rate, position limit); stale data is judged per price, before an order (<see cref="Stale"/>).</summary>
public static class BreakerRules
{
    public const string Drawdown = "drawdown";
    public const string DailyLoss = "daily-loss";
    public const string OrderErrors = "order-errors";
    public const string StaleData = "stale-data";
    public const string PositionLimit = "position-limit";

    /// <summary>Every rule that fires, in the order above.</summary>
    public static IReadOnlyList<BreakerTrip> Evaluate(BreakerLimits limits, BreakerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(metrics);
        var trips = new List<BreakerTrip>();
        if (limits.MaxDrawdown is { } dd && metrics.PeakEquity > 0 && 1 - (metrics.Equity / metrics.PeakEquity) > dd)
        {
            trips.Add(new(Drawdown, Text($"equity {metrics.Equity:N2} is {Pct(1 - (metrics.Equity / metrics.PeakEquity), 2)} below its peak {metrics.PeakEquity:N2}, past the {Pct(dd, 2)} limit")));
        }

        if (limits.MaxDailyLoss is { } loss && metrics.DayStartEquity > 0 && 1 - (metrics.Equity / metrics.DayStartEquity) > loss)
        {
            trips.Add(new(DailyLoss, Text($"equity {metrics.Equity:N2} is {Pct(1 - (metrics.Equity / metrics.DayStartEquity), 2)} below the day's start {metrics.DayStartEquity:N2}, past the {Pct(loss, 2)} limit")));
        }

        if (limits.MaxOrderErrorRate is { } rate && metrics.RecentOrders.Count >= limits.ErrorWindow)
        {
            var window = metrics.RecentOrders.Skip(metrics.RecentOrders.Count - limits.ErrorWindow).ToList();
            var share = window.Count(r => r) / (double)window.Count;
            if (share > rate)
            {
                trips.Add(new(OrderErrors, Text($"{window.Count(r => r)} of the last {window.Count} orders were rejected ({Pct(share, 0)}), past the {Pct(rate, 0)} limit")));
            }
        }

        if (limits.MaxPositionFraction is { } cap && metrics.Equity > 0 && metrics.LargestPosition / metrics.Equity > cap)
        {
            trips.Add(new(PositionLimit, Text($"a position of {metrics.LargestPosition:N2} is {Pct(metrics.LargestPosition / metrics.Equity, 1)} of equity, past the {Pct(cap, 1)} limit")));
        }

        return trips;
    }

    /// <summary>The stale-data trip for a price of <paramref name="symbol"/> dated <paramref name="asOf"/> at <paramref name="now"/>, or null.</summary>
    public static BreakerTrip? Stale(BreakerLimits limits, string symbol, DateTimeOffset asOf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return limits.MaxDataAge is { } age && now - asOf > age
            ? new(StaleData, Text($"the price of {symbol} is from {asOf:yyyy-MM-dd HH:mm} UTC, older than the {age.TotalHours:0.#} h limit"))
            : null;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with <paramref name="decimals"/> decimals and no space before the sign (12.50%).</summary>
    private static string Pct(double fraction, int decimals) => (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
