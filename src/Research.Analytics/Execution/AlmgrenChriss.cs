namespace Research.Analytics.Execution;

/// <summary>
/// The inputs of an Almgren-Chriss liquidation, in one unit of time τ (a day, a minute: the caller's choice, used
/// consistently): σ the price volatility in dollars per share per √time; ε the fixed cost per share (half the spread plus
/// fees); η the temporary impact in dollars per share per (share per unit time); γ the permanent impact in dollars per share
/// per share; λ the risk aversion in 1/dollars.
/// </summary>
public sealed record AlmgrenChrissParameters(double Shares, double Horizon, int Intervals, double Sigma, double Epsilon, double Eta, double Gamma, double RiskAversion)
{
    public double Tau => Horizon / Intervals;

    /// <summary>η̃ = η − ½γτ: the temporary impact net of the permanent impact's discrete-time part.</summary>
    public double EtaTilde => Eta - (0.5 * Gamma * Tau);

    /// <summary>Refuses inputs the model has no meaning for, naming them.</summary>
    public void Validate()
    {
        if (!(Shares > 0) || !double.IsFinite(Shares))
        {
            throw new ArgumentException($"shares must be positive (got {Shares}).");
        }

        if (!(Horizon > 0) || !double.IsFinite(Horizon) || Intervals < 1)
        {
            throw new ArgumentException($"the horizon must be positive and cut into at least one interval (got {Horizon} in {Intervals}).");
        }

        if (!(Sigma >= 0) || !(Epsilon >= 0) || !(Gamma >= 0) || !(RiskAversion >= 0) || !double.IsFinite(Sigma + Epsilon + Gamma + RiskAversion))
        {
            throw new ArgumentException($"volatility, fixed cost, permanent impact and risk aversion must be finite and not negative (got σ {Sigma}, ε {Epsilon}, γ {Gamma}, λ {RiskAversion}).");
        }

        if (!(EtaTilde > 0) || !double.IsFinite(Eta))
        {
            throw new ArgumentException($"the temporary impact η must exceed ½γτ = {0.5 * Gamma * Tau:G4} (got η {Eta:G4}): otherwise trading faster costs less and no schedule is optimal.");
        }
    }
}

/// <summary>An Almgren-Chriss trajectory: holdings at each interval's end (x₀ = X ... x_N = 0), trades, expected cost and its variance.</summary>
/// <param name="Kappa">The urgency κ (1/time); 1/κ is the half-life-like time scale of the liquidation.</param>
public sealed record AlmgrenChrissSchedule(AlmgrenChrissParameters Parameters, double Kappa, IReadOnlyList<double> Holdings, IReadOnlyList<double> Trades, double ExpectedCost, double Variance)
{
    /// <summary>The objective the schedule minimises: E + λV.</summary>
    public double Objective => ExpectedCost + (Parameters.RiskAversion * Variance);
}

/// <summary>
/// Almgren and Chriss (2000, "Optimal execution of portfolio transactions", Journal of Risk 3(2)): the schedule that
/// minimises E[cost] + λ Var[cost] of selling (or buying) X shares over N intervals of length τ, with linear permanent impact
/// γ and linear temporary impact ε sgn(n) + η n/τ. Expected cost E = ½γX² + εΣ|nₖ| + (η̃/τ)Σnₖ², variance V = σ²τΣxₖ²; the
/// optimum is xⱼ = X sinh(κ(T − tⱼ))/sinh(κT) with cosh(κτ) = 1 + ½κ̃²τ², κ̃² = λσ²/η̃ (λ = 0: the straight line, TWAP).
/// The paper's calibration from market data (<see cref="Calibrate"/>): the temporary impact costs one spread when trading
/// 1% of the daily volume per day, the permanent impact one spread per 10% of the daily volume.
/// </summary>
public static class AlmgrenChriss
{
    public static AlmgrenChrissSchedule Optimal(AlmgrenChrissParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        var tau = p.Tau;
        var n = p.Intervals;
        var kappaTildeSquared = p.RiskAversion * p.Sigma * p.Sigma / p.EtaTilde;
        var kappa = Math.Acosh(1 + (0.5 * kappaTildeSquared * tau * tau)) / tau;
        var holdings = new double[n + 1];
        for (var j = 0; j <= n; j++)
        {
            var t = j * tau;
            holdings[j] = kappa * p.Horizon < 1e-8
                ? p.Shares * (1 - ((double)j / n))
                : p.Shares * Math.Sinh(kappa * (p.Horizon - t)) / Math.Sinh(kappa * p.Horizon);
        }

        holdings[0] = p.Shares;
        holdings[n] = 0;
        return Evaluate(p, holdings, kappa);
    }

    /// <summary>Expected cost and variance of any trajectory (holdings x₀ = X ... x_N = 0), for comparing schedules.</summary>
    public static AlmgrenChrissSchedule Evaluate(AlmgrenChrissParameters p, IReadOnlyList<double> holdings, double kappa = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(holdings);
        if (holdings.Count != p.Intervals + 1)
        {
            throw new ArgumentException($"a trajectory of {p.Intervals} intervals has {p.Intervals + 1} holdings (got {holdings.Count}).", nameof(holdings));
        }

        var trades = new double[p.Intervals];
        double absolute = 0, squares = 0, held = 0;
        for (var k = 1; k <= p.Intervals; k++)
        {
            trades[k - 1] = holdings[k - 1] - holdings[k];
            absolute += Math.Abs(trades[k - 1]);
            squares += trades[k - 1] * trades[k - 1];
            held += holdings[k] * holdings[k];
        }

        var expected = (0.5 * p.Gamma * p.Shares * p.Shares) + (p.Epsilon * absolute) + (p.EtaTilde / p.Tau * squares);
        var variance = p.Sigma * p.Sigma * p.Tau * held;
        return new AlmgrenChrissSchedule(p, kappa, holdings, trades, expected, variance);
    }

    /// <summary>
    /// The paper's calibration in units of one day: σ in dollars from the daily variance of returns and the price; ε half the
    /// spread in dollars (plus <paramref name="feePerShare"/>); η = spread / (1% of the daily volume); γ = spread / (10% of the
    /// daily volume).
    /// </summary>
    public static (double Sigma, double Epsilon, double Eta, double Gamma) Calibrate(double price, double dailyVariance, double spread, double dailyVolume, double feePerShare = 0)
    {
        if (!(price > 0) || !(dailyVariance >= 0) || !(spread > 0) || !(dailyVolume > 0) || !(feePerShare >= 0))
        {
            throw new ArgumentException($"calibration needs a positive price, spread and daily volume and a variance not negative (got price {price}, variance {dailyVariance}, spread {spread}, volume {dailyVolume}).");
        }

        return (price * Math.Sqrt(dailyVariance), (0.5 * spread) + feePerShare, spread / (0.01 * dailyVolume), spread / (0.1 * dailyVolume));
    }
}
