namespace Research.Analytics.Microstructure;

/// <summary>
/// Realized variance of a day's midquote: at the sampling interval (<see cref="Variance"/>), averaged over shifted grids
/// (<see cref="Subsampled"/>), bipower variation and the jump part, with the number of returns each used.
/// </summary>
public sealed record RealizedDay(double Interval, int Returns, double Variance, double Subsampled, int Grids, double Bipower, double Jump, double JumpShare);

/// <summary>Roll's (1984) spread from trade-price changes: 2√(−cov(Δpₜ, Δpₜ₋₁)); null when the autocovariance is not negative.</summary>
public sealed record RollEstimate(double Autocovariance, double? Spread, int Changes);

/// <summary>Kyle's lambda: the slope of midquote changes on signed volume per interval (OLS with an intercept), in dollars per share.</summary>
public sealed record KyleLambda(double Lambda, double RSquared, int Intervals, double Interval);

/// <summary>
/// Realized volatility and price-formation measures of a day of events (regular session):
/// <list type="bullet">
/// <item>Realized variance RV = Σ rₖ² of log midquote returns on a grid of <c>interval</c> seconds from the open; the
/// midquote at a grid time is the one of the book in force then (the last event at or before it; the day's first quote
/// stands for the open when the first event comes after it).</item>
/// <item>Subsampled RV: the average of RV over the grids shifted by <c>step</c>, 2·<c>step</c>, ... below the interval (Zhang,
/// Mykland and Aït-Sahalia 2005); each shifted grid keeps the open and the close as its ends, so every grid spans the
/// session (its first and last returns are shorter).</item>
/// <item>Bipower variation BV = (π/2) Σₖ₌₂ |rₖ||rₖ₋₁| on the main grid (Barndorff-Nielsen and Shephard 2004; no
/// finite-sample factor); the jump part max(RV − BV, 0) and its share of RV.</item>
/// </list>
/// Variances are of the day (not annualised); √(252·RV) is an annualised volatility.
/// </summary>
public static class RealizedMeasures
{
    public static RealizedDay Realized(IReadOnlyList<LobsterEvent> events, double interval = 300, double step = 60, double from = IntradayMeasures.Open, double to = IntradayMeasures.Close)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!(interval > 0) || !(step > 0) || step > interval)
        {
            throw new ArgumentException($"interval {interval} s and step {step} s: both positive, the step at most the interval.");
        }

        var main = Returns(events, Grid(from, to, interval, 0));
        var rv = main.Sum(r => r * r);
        var bv = 0.0;
        for (var k = 1; k < main.Count; k++)
        {
            bv += Math.Abs(main[k]) * Math.Abs(main[k - 1]);
        }

        bv *= Math.PI / 2;
        var grids = 0;
        var sum = 0.0;
        for (var offset = 0.0; offset < interval - 1e-9; offset += step)
        {
            sum += Returns(events, Grid(from, to, interval, offset)).Sum(r => r * r);
            grids++;
        }

        var jump = Math.Max(rv - bv, 0);
        return new RealizedDay(interval, main.Count, rv, sum / grids, grids, bv, jump, rv > 0 ? jump / rv : 0);
    }

    /// <summary>The grid: the open, then open + offset + k·interval strictly inside the session, then the close.</summary>
    public static List<double> Grid(double from, double to, double interval, double offset)
    {
        var grid = new List<double> { from };
        for (var t = from + (offset > 0 ? offset : interval); t < to - 1e-9; t += interval)
        {
            grid.Add(t);
        }

        grid.Add(to);
        return grid;
    }

    /// <summary>Log midquote returns between consecutive grid times; an interval whose ends have no two-sided quote is left out.</summary>
    public static List<double> Returns(IReadOnlyList<LobsterEvent> events, IReadOnlyList<double> grid)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(grid);
        var mids = new double?[grid.Count];
        var i = -1;
        for (var g = 0; g < grid.Count; g++)
        {
            while (i + 1 < events.Count && events[i + 1].Time <= grid[g])
            {
                i++;
            }

            mids[g] = i >= 0 ? events[i].Mid : events.Count > 0 ? events[0].Mid : null; // before the first event, the day's first quote
        }

        var returns = new List<double>(grid.Count);
        for (var g = 1; g < grid.Count; g++)
        {
            if (mids[g - 1] is { } a && mids[g] is { } b && a > 0 && b > 0)
            {
                returns.Add(Math.Log(b / a));
            }
        }

        return returns;
    }

    /// <summary>Roll's spread from the executions' prices in the session: the autocovariance of consecutive price changes is the mean of their products less the product of their means.</summary>
    public static RollEstimate Roll(IReadOnlyList<LobsterEvent> events, double from = IntradayMeasures.Open, double to = IntradayMeasures.Close)
    {
        ArgumentNullException.ThrowIfNull(events);
        var prices = events.Where(e => e.IsExecution && e.Time >= from && e.Time < to && e.Size > 0).Select(e => e.Price).ToList();
        var changes = new double[Math.Max(0, prices.Count - 1)];
        for (var k = 1; k < prices.Count; k++)
        {
            changes[k - 1] = prices[k] - prices[k - 1];
        }

        if (changes.Length < 3)
        {
            return new RollEstimate(double.NaN, null, changes.Length);
        }

        double sumXy = 0, sumX = 0, sumY = 0;
        var n = changes.Length - 1;
        for (var k = 1; k < changes.Length; k++)
        {
            sumXy += changes[k] * changes[k - 1];
            sumX += changes[k - 1];
            sumY += changes[k];
        }

        var cov = (sumXy / n) - (sumX / n * (sumY / n));
        return new RollEstimate(cov, cov < 0 ? 2 * Math.Sqrt(-cov) : null, changes.Length);
    }

    /// <summary>
    /// Kyle's lambda over intervals of <paramref name="interval"/> seconds: ΔM = α + λ·S + ε, with ΔM the midquote change
    /// over the interval (dollars) and S the signed shares traded in it (+ buyer-initiated); intervals without a quote at
    /// either end are left out.
    /// </summary>
    public static KyleLambda Kyle(IReadOnlyList<LobsterEvent> events, double interval = 300, double from = IntradayMeasures.Open, double to = IntradayMeasures.Close)
    {
        ArgumentNullException.ThrowIfNull(events);
        var grid = Grid(from, to, interval, 0);
        var x = new List<double>();
        var y = new List<double>();
        var i = -1;
        double? previous = null;
        var signed = 0.0;
        for (var g = 0; g < grid.Count; g++)
        {
            while (i + 1 < events.Count && events[i + 1].Time <= grid[g])
            {
                i++;
                var e = events[i];
                if (g > 0 && e.IsExecution && e.Time >= from && e.Time < to && e.Size > 0)
                {
                    signed += e.Initiator * (double)e.Size;
                }
            }

            var mid = i >= 0 ? events[i].Mid : null;
            if (g > 0 && previous is { } a && mid is { } b)
            {
                x.Add(signed);
                y.Add(b - a);
            }

            (previous, signed) = (mid, 0);
        }

        if (x.Count < 3)
        {
            return new KyleLambda(double.NaN, double.NaN, x.Count, interval);
        }

        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var k = 0; k < x.Count; k++)
        {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
            syy += (y[k] - my) * (y[k] - my);
        }

        var lambda = sxx > 0 ? sxy / sxx : double.NaN;
        return new KyleLambda(lambda, sxx > 0 && syy > 0 ? sxy * sxy / (sxx * syy) : double.NaN, x.Count, interval);
    }
}
