using Research.Core.Calendars;
using Research.Core.Randomness;

namespace Research.Data.Synthetic;

/// <summary>
/// The common, security-independent part of the synthetic market: NYSE sessions, daily factor returns
/// (GARCH(1,1) variances, unit-variance Student-t shocks), a specific-volatility multiplier that rises and
/// falls with market volatility, the daily risk-free rate and the market level used to normalise size.
/// </summary>
public sealed class MarketPath
{
    private MarketPath(DateOnly[] sessions, double[] factorReturns, double[] specificMultiplier, double[] riskFree, double[] marketLevel)
    {
        Sessions = sessions;
        FactorReturns = factorReturns;
        SpecificMultiplier = specificMultiplier;
        RiskFree = riskFree;
        MarketLevel = marketLevel;
    }

    /// <summary>NYSE sessions simulated, in order.</summary>
    public DateOnly[] Sessions { get; }

    /// <summary>Factor returns, row-major: <c>[t * K + k]</c> with K = <see cref="SyntheticFactorModel.FactorCount"/>.</summary>
    public double[] FactorReturns { get; }

    /// <summary>Multiplier of every security's specific volatility on each session (mean square about 1).</summary>
    public double[] SpecificMultiplier { get; }

    /// <summary>Daily risk-free rate (simple) on each session.</summary>
    public double[] RiskFree { get; }

    /// <summary>Cumulative growth of one dollar in the market factor, at each session's close.</summary>
    public double[] MarketLevel { get; }

    /// <summary>Factor return k on session t.</summary>
    public double Factor(int t, int k) => FactorReturns[(t * SyntheticFactorModel.FactorCount) + k];

    /// <summary>Simulates the common path for the options' years.</summary>
    public static MarketPath Simulate(SyntheticMarketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sessions = NyseCalendar.Instance.Sessions(new DateOnly(options.StartYear, 1, 1), new DateOnly(options.EndYear, 12, 31)).ToArray();
        var k = SyntheticFactorModel.FactorCount;
        var t = sessions.Length;
        var returns = new double[t * k];
        var multiplier = new double[t];
        var riskFree = new double[t];
        var level = new double[t];

        var vols = new double[k];
        var drifts = new double[k];
        vols[0] = SyntheticFactorModel.MarketVol;
        drifts[0] = SyntheticFactorModel.MarketDrift;
        for (var j = 0; j < SyntheticFactorModel.Industries.Count; j++)
        {
            vols[SyntheticFactorModel.FirstIndustry + j] = SyntheticFactorModel.IndustryVols[j];
        }

        for (var s = 0; s < SyntheticFactorModel.Styles.Count; s++)
        {
            vols[SyntheticFactorModel.FirstStyle + s] = SyntheticFactorModel.StyleVols[s];
            drifts[SyntheticFactorModel.FirstStyle + s] = SyntheticFactorModel.StyleDrifts[s];
        }

        var rng = DeterministicRandom.ForStream(options.Seed, StreamKinds.Market, 0);
        const double a = SyntheticFactorModel.GarchAlpha;
        const double b = SyntheticFactorModel.GarchBeta;
        var variance = new double[k];
        var lastShock = new double[k];
        for (var j = 0; j < k; j++)
        {
            variance[j] = vols[j] * vols[j];
        }

        var annualRate = 0.03;
        var cumulative = 1.0;
        var weights = SyntheticFactorModel.IndustryWeights;
        for (var day = 0; day < t; day++)
        {
            var row = day * k;
            for (var j = 0; j < k; j++)
            {
                var longRun = vols[j] * vols[j];
                variance[j] = (longRun * (1 - a - b)) + (a * lastShock[j] * lastShock[j]) + (b * variance[j]);
                var shock = Math.Sqrt(variance[j]) * rng.NextStudentT(SyntheticFactorModel.TailDegreesOfFreedom);
                lastShock[j] = shock;
                returns[row + j] = drifts[j] + shock;
            }

            // Identify industries against the market: sum_j w_j f_j = 0.
            var weighted = 0.0;
            for (var j = 0; j < weights.Count; j++)
            {
                weighted += weights[j] * returns[row + SyntheticFactorModel.FirstIndustry + j];
            }

            for (var j = 0; j < weights.Count; j++)
            {
                returns[row + SyntheticFactorModel.FirstIndustry + j] -= weighted;
            }

            var marketRatio = variance[0] / (vols[0] * vols[0]);
            multiplier[day] = Math.Pow(marketRatio, 0.25);

            annualRate = Math.Max(0.0, annualRate + (0.002 * (0.03 - annualRate)) + (0.0008 * rng.NextGaussian()));
            riskFree[day] = Math.Round(annualRate / Annualisation.SessionsPerYear, 6);
            cumulative *= 1.0 + returns[row];
            level[day] = cumulative;
        }

        return new MarketPath(sessions, returns, multiplier, riskFree, level);
    }
}
