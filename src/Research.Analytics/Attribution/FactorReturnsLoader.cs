using Research.Data.Warehouse;

namespace Research.Analytics.Attribution;

/// <summary>
/// The daily Fama-French factors a model needs, from the warehouse: <c>famafrench/factors_daily</c> (mktrf, smb, hml,
/// umd, rf) and, for the five-factor models, <c>famafrench/factors5_daily</c> (rmw, cma), joined on the date. Rows with a
/// missing value of a needed factor are left out (momentum starts a year after the others).
/// </summary>
public static class FactorReturnsLoader
{
    public static IReadOnlyList<string> DatasetsFor(AttributionModel model) =>
        FactorReturns.FactorsOf(model).Any(f => f is "rmw" or "cma") ? ["famafrench/factors_daily", "famafrench/factors5_daily"] : ["famafrench/factors_daily"];

    public static FactorReturns Load(WarehouseQuerySession session, AttributionModel model)
    {
        ArgumentNullException.ThrowIfNull(session);
        var names = FactorReturns.FactorsOf(model);
        var five = DatasetsFor(model).Count == 2;
        var select = string.Join(", ", names.Select(n => n is "rmw" or "cma" ? $"f5.{n}" : $"f.{n}"));
        var sql = $"""
            SELECT f.date, {select}, f.rf
            FROM famafrench.factors_daily f {(five ? "JOIN famafrench.factors5_daily f5 ON f5.date = f.date" : string.Empty)}
            WHERE {string.Join(" AND ", names.Select(n => (n is "rmw" or "cma" ? "f5." : "f.") + n + " IS NOT NULL"))} AND f.rf IS NOT NULL
            ORDER BY f.date
            """;
        using var command = session.CreateTrustedCommand(sql);
        using var reader = command.ExecuteReader();
        var dates = new List<DateOnly>();
        var values = names.Select(_ => new List<double>()).ToList();
        var rf = new List<double>();
        while (reader.Read())
        {
            dates.Add(reader.GetFieldValue<DateOnly>(0));
            for (var j = 0; j < names.Count; j++)
            {
                values[j].Add(reader.GetDouble(j + 1));
            }

            rf.Add(reader.GetDouble(names.Count + 1));
        }

        return new FactorReturns(dates, names, [.. values.Select(v => v.ToArray())], [.. rf]);
    }
}
