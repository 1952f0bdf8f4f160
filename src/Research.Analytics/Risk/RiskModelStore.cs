using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Analytics.Factors;
using Research.Data.Warehouse;

namespace Research.Analytics.Risk;

/// <summary>A stored forecast: what the model said at the close of <see cref="Date"/> about the next session.</summary>
public sealed record StoredForecast(
    DateOnly Date,
    string FitId,
    IReadOnlyList<string> Factors,
    double[][] Covariance,
    IReadOnlyDictionary<int, double[]> Loadings,
    IReadOnlyDictionary<int, double> SpecificVariance)
{
    /// <summary>The factor model restricted to <paramref name="permnos"/>; a stock the model does not cover is an error naming it.</summary>
    public Optimization.FactorModelSpec FactorModel(IReadOnlyList<int> permnos)
    {
        ArgumentNullException.ThrowIfNull(permnos);
        var missing = permnos.Where(p => !Loadings.ContainsKey(p) || !SpecificVariance.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The risk model of {Date:yyyy-MM-dd} does not cover permno {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : string.Empty)}.");
        }

        return new Optimization.FactorModelSpec([.. permnos.Select(p => Loadings[p])], Covariance, [.. permnos.Select(p => SpecificVariance[p])]);
    }

    /// <summary>
    /// The model's forecast correlation of <paramref name="permno"/> with every other stock it covers, highest first:
    /// ρ(i, j) = xᵢ′Fxⱼ / √((xᵢ′Fxᵢ + sᵢ)(xⱼ′Fxⱼ + sⱼ)), with loadings x, factor covariance F and specific variance s
    /// (specific returns are uncorrelated across stocks, so they enter only the variances). What a tax-loss harvest's
    /// replacement should maximise: a stock that tracks the one sold without being it.
    /// </summary>
    public IReadOnlyList<(int Permno, double Correlation)> PredictedCorrelations(int permno)
    {
        if (!Loadings.TryGetValue(permno, out var x) || !SpecificVariance.TryGetValue(permno, out var s))
        {
            throw new ArgumentException($"The risk model of {Date:yyyy-MM-dd} does not cover permno {permno}.");
        }

        double[] Times(double[] v) => [.. Covariance.Select(row => row.Select((c, k) => c * v[k]).Sum())];
        double Dot(double[] a, double[] b) => a.Select((v, k) => v * b[k]).Sum();
        var fx = Times(x);
        var variance = Dot(x, fx) + s;
        var result = new List<(int, double)>();
        foreach (var (other, y) in Loadings)
        {
            if (other != permno && SpecificVariance.TryGetValue(other, out var t))
            {
                var otherVariance = Dot(y, Times(y)) + t;
                result.Add((other, Dot(y, fx) / Math.Sqrt(variance * otherVariance)));
            }
        }

        return [.. result.OrderByDescending(r => r.Item2).ThenBy(r => r.Item1)];
    }
}

/// <summary>
/// Stores a fitted model in the warehouse as four versioned datasets and reads forecasts back:
/// <c>risk/factor_returns</c> (date, stocks, R², regime multipliers, one column per factor),
/// <c>risk/factor_covariance</c> (date, factor, one column per factor: the forecast made at that close),
/// <c>risk/specific_risk</c> (date, permno, daily specific variance, residuals behind it) and
/// <c>risk/exposures</c> (snapshot date, permno, industry, size base, one column per style).
/// All four are written to staging first and published together under the warehouse lock, each carrying the fit id
/// (a hash of inputs and options) as its watermark; a reader refuses datasets from different fits.
/// </summary>
public static class RiskModelStore
{
    public static readonly string[] Datasets = ["risk/factor_returns", "risk/factor_covariance", "risk/specific_risk", "risk/exposures"];

    /// <summary>Fit id: hash of the panel's provenance, the date range, styles and options.</summary>
    public static string FitId(RiskModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var text = string.Join("|", model.Panel.Provenance, model.Dates[0].ToString("O", CultureInfo.InvariantCulture),
            model.Dates[^1].ToString("O", CultureInfo.InvariantCulture), string.Join(",", model.Factors), JsonSerializer.Serialize(model.Options));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    public static Task<IReadOnlyList<DatasetManifest>> PublishAsync(WarehouseLayout layout, RiskModel model, string by, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var description = $"risk fit {model.Dates[0]:yyyy-MM-dd}..{model.Dates[^1]:yyyy-MM-dd} ({model.K} factors: {string.Join(", ", model.Factors)}) from {model.Panel.Provenance}; options {JsonSerializer.Serialize(model.Options)}";
        var (exposureColumns, exposureData) = FactorExposuresStore.Table(model.Panel, model.Exposures, model.Dates[^1]);
        return DerivedDatasets.PublishAsync(layout, clock, by, description, FitId(model),
        [
            FactorReturnsTable(model),
            CovarianceTable(model),
            SpecificTable(model),
            new DerivedTable("risk/exposures", exposureColumns, exposureData),
        ], cancellationToken);
    }

    private static DerivedTable FactorReturnsTable(RiskModel model)
    {
        var days = model.Dates.Length;
        var specs = new List<ParquetColumnSpec>
        {
            ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("stocks"), ParquetColumnSpec.OfNullable<double>("r_squared"),
            ParquetColumnSpec.Of<bool>("has_forecast"), ParquetColumnSpec.Of<double>("factor_regime"), ParquetColumnSpec.Of<double>("specific_regime"),
        };
        specs.AddRange(model.Factors.Select(ParquetColumnSpec.OfNullable<double>));
        var columns = new List<Array>
        {
            model.Dates, model.Observations, model.RSquared.Select(r => double.IsFinite(r) ? r : (double?)null).ToArray(),
            model.Covariance.Select(c => c is not null).ToArray(), model.FactorRegime, model.SpecificRegime,
        };
        for (var k = 0; k < model.K; k++)
        {
            columns.Add(Enumerable.Range(0, days).Select(d => model.FactorReturns[(d * model.K) + k]).Select(f => double.IsFinite(f) ? f : (double?)null).ToArray());
        }

        return new DerivedTable("risk/factor_returns", specs, columns);
    }

    private static DerivedTable CovarianceTable(RiskModel model)
    {
        var k = model.K;
        var forecastDays = Enumerable.Range(0, model.Dates.Length).Where(d => model.Covariance[d] is not null).ToArray();
        var specs = new List<ParquetColumnSpec> { ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<string>("factor") };
        specs.AddRange(model.Factors.Select(ParquetColumnSpec.Of<double>));
        var columns = new List<Array>
        {
            forecastDays.SelectMany(d => Enumerable.Repeat(model.Dates[d], k)).ToArray(),
            forecastDays.SelectMany(_ => model.Factors).ToArray(),
        };
        for (var b = 0; b < k; b++)
        {
            columns.Add(forecastDays.SelectMany(d => Enumerable.Range(0, k).Select(a => model.Covariance[d]![(a * k) + b])).ToArray());
        }

        return new DerivedTable("risk/factor_covariance", specs, columns);
    }

    private static DerivedTable SpecificTable(RiskModel model)
    {
        var dates = new List<DateOnly>();
        var permnos = new List<int>();
        var variance = new List<double>();
        var observations = new List<int>();
        for (var d = 0; d < model.Dates.Length; d++)
        {
            if (model.Specific[d] is not { } s)
            {
                continue;
            }

            for (var a = 0; a < s.Assets.Length; a++)
            {
                if (!double.IsFinite(s.Variance[a]))
                {
                    continue;
                }

                dates.Add(model.Dates[d]);
                permnos.Add(model.Panel.Ids[s.Assets[a]]);
                variance.Add(s.Variance[a]);
                observations.Add(s.Observations[a]);
            }
        }

        return new DerivedTable("risk/specific_risk",
            [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<double>("specific_var"), ParquetColumnSpec.Of<int>("observations")],
            [dates.ToArray(), permnos.ToArray(), variance.ToArray(), observations.ToArray()]);
    }

    /// <summary>The fit id all four datasets share, or an error when they come from different fits or are missing.</summary>
    public static string RequireConsistentFit(WarehouseQuerySession session) =>
        DerivedDatasets.RequireSameRun(session, Datasets, "research risk fit --from D --to D");

    /// <summary>Factor names in stored order.</summary>
    public static IReadOnlyList<string> Factors(WarehouseQuerySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var command = session.CreateTrustedCommand("SELECT * FROM risk.factor_covariance LIMIT 0");
        using var reader = command.ExecuteReader();
        return [.. Enumerable.Range(2, reader.FieldCount - 2).Select(reader.GetName)];
    }

    /// <summary>The latest forecast made on or before <paramref name="date"/>.</summary>
    public static StoredForecast LoadAt(WarehouseQuerySession session, DateOnly date)
    {
        var fitId = RequireConsistentFit(session);
        var factors = Factors(session);
        var k = factors.Count;
        DateOnly forecastDate;
        using (var command = session.CreateTrustedCommand($"SELECT max(date), min(date) FROM risk.factor_covariance WHERE date <= {DuckDbSql.Date(date)}"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            if (reader.IsDBNull(0))
            {
                using var range = session.CreateTrustedCommand("SELECT min(date), max(date) FROM risk.factor_covariance");
                using var r = range.ExecuteReader();
                r.Read();
                throw new ArgumentException(r.IsDBNull(0)
                    ? "The stored risk model has no forecasts."
                    : $"The risk model's forecasts run from {r.GetFieldValue<DateOnly>(0):yyyy-MM-dd} to {r.GetFieldValue<DateOnly>(1):yyyy-MM-dd}; none on or before {date:yyyy-MM-dd}.");
            }

            forecastDate = reader.GetFieldValue<DateOnly>(0);
        }

        var covariance = new double[k][];
        using (var command = session.CreateTrustedCommand($"SELECT * FROM risk.factor_covariance WHERE date = {DuckDbSql.Date(forecastDate)}"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var row = factors.ToList().IndexOf(reader.GetString(1));
                covariance[row] = [.. Enumerable.Range(2, k).Select(reader.GetDouble)];
            }
        }

        var specific = new Dictionary<int, double>();
        using (var command = session.CreateTrustedCommand($"SELECT permno, specific_var FROM risk.specific_risk WHERE date = {DuckDbSql.Date(forecastDate)}"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                specific[reader.GetInt32(0)] = reader.GetDouble(1);
            }
        }

        var loadings = Loadings(factors, FactorExposuresStore.LoadAt(session, "risk/exposures", forecastDate));
        return new StoredForecast(forecastDate, fitId, factors, covariance, loadings, specific);
    }

    /// <summary>
    /// Each stock's row of B in the model's factor order (market, ind_..., styles) from a stored exposure snapshot:
    /// 1 for the market, 1 for the stock's industry, its style exposures.
    /// </summary>
    public static Dictionary<int, double[]> Loadings(IReadOnlyList<string> factors, StoredSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(snapshot);
        var industryColumn = factors.Select((f, i) => (f, i)).Where(x => x.f.StartsWith("ind_", StringComparison.Ordinal))
            .ToDictionary(x => Ff10Industries.Names.ToList().FindIndex(n => "ind_" + n.ToLowerInvariant() == x.f), x => x.i);
        var firstStyle = 1 + industryColumn.Count;
        var loadings = new Dictionary<int, double[]>();
        foreach (var stock in snapshot.Stocks)
        {
            var row = new double[factors.Count];
            RiskModel.LoadingsRow(row, industryColumn.TryGetValue(stock.Industry, out var column) ? column : -1, stock.Values, firstStyle);
            loadings[stock.Permno] = row;
        }

        return loadings;
    }

    /// <summary>Dates of the stored exposure snapshots (month ends) between two dates, inclusive, ascending.</summary>
    public static DateOnly[] SnapshotDates(WarehouseQuerySession session, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var command = session.CreateTrustedCommand($"SELECT DISTINCT date FROM risk.exposures WHERE date BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)} ORDER BY date");
        using var reader = command.ExecuteReader();
        var dates = new List<DateOnly>();
        while (reader.Read())
        {
            dates.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return [.. dates];
    }

    /// <summary>Stored daily factor returns between two dates (inclusive), in factor order.</summary>
    public static (DateOnly[] Dates, double[][] Returns) FactorReturns(WarehouseQuerySession session, DateOnly from, DateOnly to)
    {
        RequireConsistentFit(session);
        var factors = Factors(session);
        using var command = session.CreateTrustedCommand($"""
            SELECT date, {string.Join(", ", factors.Select(f => $"coalesce({DuckDbSql.Identifier(f)}, 0)"))}
            FROM risk.factor_returns WHERE date BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)} ORDER BY date
            """);
        using var reader = command.ExecuteReader();
        var dates = new List<DateOnly>();
        var returns = new List<double[]>();
        while (reader.Read())
        {
            dates.Add(reader.GetFieldValue<DateOnly>(0));
            returns.Add([.. Enumerable.Range(1, factors.Count).Select(reader.GetDouble)]);
        }

        return ([.. dates], [.. returns]);
    }

    /// <summary>First and last stored factor-return dates.</summary>
    public static (DateOnly First, DateOnly Last) Coverage(WarehouseQuerySession session)
    {
        RequireConsistentFit(session);
        using var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM risk.factor_returns");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
    }
}
