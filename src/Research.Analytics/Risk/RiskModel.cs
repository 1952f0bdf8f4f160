using Research.Analytics.Factors;
using Research.Analytics.Optimization;
using Research.Core.Panels;

namespace Research.Analytics.Risk;

/// <summary>Specific variance forecasts of one date for the assets of the exposure snapshot in force for the next session.</summary>
/// <param name="Assets">Panel asset indexes.</param>
/// <param name="Variance">Daily specific variance of each.</param>
/// <param name="Observations">Residuals behind each stock's own estimate (0 = purely structural).</param>
public sealed record SpecificForecast(int[] Assets, double[] Variance, int[] Observations)
{
    public double? VarianceOf(int asset)
    {
        var index = Array.BinarySearch(Assets, asset);
        return index >= 0 ? Variance[index] : null;
    }
}

/// <summary>
/// A fitted factor risk model: daily factor returns with their cross-sectional R², and for each date from the end of
/// the warm-up a forecast, made at that close, of the next session's factor covariance and specific variances.
/// All quantities are daily (returns in decimals, variances per day).
/// </summary>
public sealed class RiskModel
{
    internal RiskModel(
        EquityPanel panel,
        FactorExposures exposures,
        RiskModelOptions options,
        IReadOnlyList<string> factors,
        int[] industryColumn,
        int[] sessions,
        double[] factorReturns,
        double[] rSquared,
        int[] observations,
        double[]?[] covariance,
        SpecificForecast?[] specific,
        double[] factorRegime,
        double[] specificRegime)
    {
        Panel = panel;
        Exposures = exposures;
        Options = options;
        Factors = factors;
        IndustryColumn = industryColumn;
        Sessions = sessions;
        Dates = [.. sessions.Select(s => panel.Dates[s])];
        FactorReturns = factorReturns;
        RSquared = rSquared;
        Observations = observations;
        Covariance = covariance;
        Specific = specific;
        FactorRegime = factorRegime;
        SpecificRegime = specificRegime;
    }

    public EquityPanel Panel { get; }

    public FactorExposures Exposures { get; }

    public RiskModelOptions Options { get; }

    /// <summary>market, ind_&lt;industry&gt;..., then the style factors.</summary>
    public IReadOnlyList<string> Factors { get; }

    public int K => Factors.Count;

    /// <summary>Column of each Fama-French 10 industry index in <see cref="Factors"/> (-1 when absent).</summary>
    public int[] IndustryColumn { get; }

    /// <summary>Number of industry factors.</summary>
    public int IndustryFactors => IndustryColumn.Count(c => c >= 0);

    /// <summary>Index of the first style factor.</summary>
    public int FirstStyle => 1 + IndustryFactors;

    /// <summary>Panel session of each regression date.</summary>
    public int[] Sessions { get; }

    /// <summary>Regression dates (returns of these sessions on exposures known at the previous close).</summary>
    public DateOnly[] Dates { get; }

    /// <summary>Estimated factor returns, <c>[d * K + k]</c>.</summary>
    public double[] FactorReturns { get; }

    /// <summary>Weighted cross-sectional R² of each regression (centred: 1 - Σw e² / Σw (r - r̄_w)²).</summary>
    public double[] RSquared { get; }

    /// <summary>Stocks in each regression.</summary>
    public int[] Observations { get; }

    /// <summary>Factor covariance forecast made at the close of each date (row-major K x K), null during the warm-up.</summary>
    public double[]?[] Covariance { get; }

    public SpecificForecast?[] Specific { get; }

    /// <summary>Volatility regime multiplier (lambda, on volatility) applied to factor risk at each date.</summary>
    public double[] FactorRegime { get; }

    /// <summary>Volatility regime multiplier applied to specific risk at each date.</summary>
    public double[] SpecificRegime { get; }

    /// <summary>Index of the latest date with a forecast on or before <paramref name="date"/>, or -1.</summary>
    public int ForecastIndexOnOrBefore(DateOnly date)
    {
        var index = PanelAxes.OnOrBefore(Dates, date);
        while (index >= 0 && Covariance[index] is null)
        {
            index--;
        }

        return index;
    }

    /// <summary>Factor loadings of panel asset <paramref name="asset"/> in the snapshot in force after the close of session <paramref name="session"/>, or null when it is not in it.</summary>
    public double[]? Loadings(int session, int asset)
    {
        var s = Exposures.SnapshotBefore(session + 1);
        if (s < 0)
        {
            return null;
        }

        var snapshot = Exposures.Snapshots[s];
        var a = Array.BinarySearch(snapshot.Assets, asset);
        if (a < 0)
        {
            return null;
        }

        var row = new double[K];
        FillLoadings(snapshot, a, row);
        return row;
    }

    internal void FillLoadings(ExposureSnapshot snapshot, int a, Span<double> row)
    {
        var industry = snapshot.Industry[a];
        var styles = Exposures.Factors.Count;
        LoadingsRow(row, industry >= 0 ? IndustryColumn[industry] : -1, snapshot.Values.AsSpan(a * styles, styles), FirstStyle);
    }

    /// <summary>A stock's factor loadings: 1 on the market, 1 on its industry's column (if any), then its style exposures.</summary>
    internal static void LoadingsRow(Span<double> row, int industryColumn, ReadOnlySpan<double> styles, int firstStyle)
    {
        row.Clear();
        row[0] = 1.0;
        if (industryColumn >= 0)
        {
            row[industryColumn] = 1.0;
        }

        styles.CopyTo(row[firstStyle..]);
    }

    /// <summary>
    /// The model at forecast date index <paramref name="d"/> restricted to <paramref name="assets"/> (panel indexes) as the
    /// optimiser's and the risk report's factor model. An asset without a forecast that day is an error naming it.
    /// </summary>
    public FactorModelSpec FactorModelAt(int d, IReadOnlyList<int> assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var covariance = Covariance[d] ?? throw new InvalidOperationException($"No forecast on {Dates[d]:yyyy-MM-dd}: it falls in the warm-up of {Options.WarmUpSessions} sessions.");
        var specific = Specific[d]!;
        var exposures = new double[assets.Count][];
        var variances = new double[assets.Count];
        for (var j = 0; j < assets.Count; j++)
        {
            exposures[j] = Loadings(Sessions[d], assets[j])
                ?? throw new ArgumentException($"{Panel.Labels[assets[j]]} ({Panel.Ids[assets[j]]}) is not in the model's universe on {Dates[d]:yyyy-MM-dd}.");
            variances[j] = specific.VarianceOf(assets[j])
                ?? throw new ArgumentException($"{Panel.Labels[assets[j]]} ({Panel.Ids[assets[j]]}) has no specific risk forecast on {Dates[d]:yyyy-MM-dd}.");
        }

        var k = K;
        var f = new double[k][];
        for (var a = 0; a < k; a++)
        {
            f[a] = covariance.AsSpan(a * k, k).ToArray();
        }

        return new FactorModelSpec(exposures, f, variances);
    }

    /// <summary>Mean of the daily R² (NaN-free dates only).</summary>
    public double MeanRSquared() => RSquared.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Panel asset index of an identifier (PERMNO) or label (ticker), or -1.</summary>
    public int AssetIndex(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (int.TryParse(key, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            var byId = Array.IndexOf(Panel.Ids, id);
            if (byId >= 0)
            {
                return byId;
            }
        }

        return Array.FindIndex(Panel.Labels, l => string.Equals(l, key, StringComparison.OrdinalIgnoreCase));
    }
}
