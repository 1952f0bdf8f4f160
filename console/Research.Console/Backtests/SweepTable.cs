using System.Text.Json;

namespace Research.Console.Backtests;

/// <summary>
/// A signal sweep's variants read from its stored metrics document (the library's <c>SignalSweepSummary</c> as JSON:
/// the console reads it without the library), at the first horizon.
/// </summary>
public sealed record SweepTable(int Horizon, IReadOnlyList<SweepRow> Rows)
{
    public static SweepTable Of(string metricsJson)
    {
        using var document = JsonDocument.Parse(metricsJson);
        var root = document.RootElement;
        var holm = root.GetProperty("holm").EnumerateArray().Select(Number).ToArray();
        var bh = root.GetProperty("benjaminiHochberg").EnumerateArray().Select(Number).ToArray();
        var rows = new List<SweepRow>();
        foreach (var v in root.GetProperty("variants").EnumerateArray())
        {
            var index = v.GetProperty("index").GetInt32();
            var error = v.GetProperty("error").ValueKind == JsonValueKind.String ? v.GetProperty("error").GetString() : null;
            var first = error is null ? v.GetProperty("horizons")[0] : default;
            var definition = JsonDocument.Parse(v.GetProperty("definition").GetString()!).RootElement;
            rows.Add(new SweepRow(index, v.GetProperty("name").GetString()!, error,
                error is null ? Number(first.GetProperty("rankIc").GetProperty("mean")) : double.NaN,
                error is null ? Number(first.GetProperty("rankIc").GetProperty("neweyWestT")) : double.NaN,
                Number(v.GetProperty("pValue")), holm[index], bh[index],
                error is null ? Number(first.GetProperty("spread")) : double.NaN,
                definition.GetProperty("description").GetString() ?? string.Empty));
        }

        return new SweepTable(root.GetProperty("horizons")[0].GetInt32(), rows);
    }

    /// <summary>A number as stored (NaN is written as the string "NaN").</summary>
    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;
}

/// <summary>One variant at the sweep's first horizon.</summary>
public sealed record SweepRow(int Index, string Name, string? Error, double RankIc, double T, double P, double Holm, double Bh, double Spread, string Varies);
