using Research.Core.Panels;
using Research.Data.Warehouse;

namespace Research.Analytics.Alpha;

/// <summary>
/// Scores laid on a panel's date x asset axes (NaN where there is none), from rows (a file, the synthetic market's
/// planted alpha); rows whose asset or date is not on the axes are counted, not silently lost.
/// </summary>
public static class SignalPanel
{
    public static (double[] Values, int Placed, int OffAxes) FromRows(PanelAxes axes, IEnumerable<(int Id, DateOnly Date, double Score)> rows)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(rows);
        var values = axes.Missing();
        var dates = axes.Dates.Select((d, t) => (d, t)).ToDictionary(p => p.d, p => p.t);
        var ids = axes.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var (placed, off) = (0, 0);
        foreach (var (id, date, score) in rows)
        {
            if (dates.TryGetValue(date, out var t) && ids.TryGetValue(id, out var i) && double.IsFinite(score))
            {
                values[axes.Cell(t, i)] = score;
                placed++;
            }
            else
            {
                off++;
            }
        }

        return (values, placed, off);
    }

    /// <summary>The synthetic market's planted alpha score (<c>truth/alpha</c>) between two dates.</summary>
    public static IEnumerable<(int Id, DateOnly Date, double Score)> PlantedAlpha(WarehouseQuerySession session, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!session.Pinned.ContainsKey("truth/alpha"))
        {
            throw new InvalidOperationException("The warehouse has no truth/alpha: it is the synthetic market's (research sync --full-sync --dataset truth).");
        }

        using var command = session.CreateTrustedCommand($"SELECT permno, date, score FROM truth.alpha WHERE date BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)}");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1), reader.GetFloat(2));
        }
    }
}
