using DuckDB.NET.Data;

namespace Research.Analytics.Tests.Factors;

/// <summary>The synthetic market's planted truth files, read with DuckDB.</summary>
internal sealed class SyntheticTruth
{
    private SyntheticTruth(Dictionary<DateOnly, double[]> factorReturns, string[] factorNames, Dictionary<int, List<(DateOnly Date, int Industry, double[] Styles)>> exposures)
    {
        FactorReturns = factorReturns;
        FactorNames = factorNames;
        Exposures = exposures;
    }

    /// <summary>Date -> market, 10 industries, 5 styles (planted order).</summary>
    public Dictionary<DateOnly, double[]> FactorReturns { get; }

    public string[] FactorNames { get; }

    /// <summary>Permno -> exposure rows (each applies from its date to the next row's).</summary>
    public Dictionary<int, List<(DateOnly Date, int Industry, double[] Styles)>> Exposures { get; }

    public static SyntheticTruth Read(string market)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var glob = (string dataset) => Path.Combine(market, dataset, "**", "*.parquet").Replace('\\', '/');
        using var factors = connection.CreateCommand();
        factors.CommandText = $"SELECT * FROM read_parquet('{glob("truth/factor_returns")}') ORDER BY date";
        var returns = new Dictionary<DateOnly, double[]>();
        string[] names;
        using (var reader = factors.ExecuteReader())
        {
            names = [.. Enumerable.Range(1, 16).Select(reader.GetName)];
            while (reader.Read())
            {
                returns[reader.GetFieldValue<DateOnly>(0)] = [.. Enumerable.Range(1, 16).Select(reader.GetDouble)];
            }
        }

        using var exposures = connection.CreateCommand();
        exposures.CommandText = $"SELECT permno, date, industry, size, value, momentum, quality, low_vol FROM read_parquet('{glob("truth/exposures")}') ORDER BY permno, date";
        var byPermno = new Dictionary<int, List<(DateOnly, int, double[])>>();
        using (var reader = exposures.ExecuteReader())
        {
            while (reader.Read())
            {
                var permno = reader.GetInt32(0);
                if (!byPermno.TryGetValue(permno, out var list))
                {
                    byPermno[permno] = list = [];
                }

                list.Add((reader.GetFieldValue<DateOnly>(1), reader.GetInt32(2), [.. Enumerable.Range(3, 5).Select(reader.GetDouble)]));
            }
        }

        return new SyntheticTruth(returns, names, byPermno);
    }

    /// <summary>The specific part's scale: the common multiplier m_t per date and each permno's sigma_i.</summary>
    public static (Dictionary<DateOnly, double> Multiplier, Dictionary<int, double> SpecificVol) ReadSpecificScale(string market)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var glob = (string dataset) => Path.Combine(market, dataset, "**", "*.parquet").Replace('\\', '/');
        var multiplier = new Dictionary<DateOnly, double>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT date, specific_vol_multiplier FROM read_parquet('{glob("truth/factor_returns")}')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                multiplier[reader.GetFieldValue<DateOnly>(0)] = reader.GetDouble(1);
            }
        }

        var vol = new Dictionary<int, double>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT permno, specific_vol FROM read_parquet('{glob("truth/specific_risk")}')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                vol[reader.GetInt32(0)] = reader.GetDouble(1);
            }
        }

        return (multiplier, vol);
    }

    /// <summary>True exposures of a permno in force on a date, or null.</summary>
    public (int Industry, double[] Styles)? ExposureOn(int permno, DateOnly date)
    {
        if (!Exposures.TryGetValue(permno, out var list))
        {
            return null;
        }

        (int, double[])? found = null;
        foreach (var row in list)
        {
            if (row.Date > date)
            {
                break;
            }

            found = (row.Industry, row.Styles);
        }

        return found;
    }

    public static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }
}
