using System.Globalization;
using System.Text.Json;
using Research.Data.Providers.Crsp;
using Research.Data.Warehouse;

namespace Research.Analytics.Risk;

/// <summary>
/// A portfolio written as text: JSON (<c>{"weights": {"AAPL": 0.4, "10001": 0.6}}</c> or the bare object) or CSV
/// (<c>asset,weight</c> with a header line). Assets are PERMNOs or tickers; tickers are resolved through CRSP names on the
/// date. Weights are fractions of capital (they need not sum to 1: a long/short book is allowed). Errors are
/// <see cref="ArgumentException"/>s naming <c>source</c> and, for CSV, the line.
/// </summary>
public static class PortfolioText
{
    /// <summary>At most this many positions (a larger book is a warehouse query, not a pasted list).</summary>
    public const int MaxPositions = 20_000;

    /// <summary>Parses <paramref name="text"/> as CSV when <paramref name="csv"/>, else as JSON; null: JSON when it starts with '{'.</summary>
    public static IReadOnlyList<(string Asset, double Weight)> Parse(string text, string source, bool? csv = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<(string, double)>();
        if (csv ?? !text.TrimStart().StartsWith('{'))
        {
            var lines = text.Split('\n').Select(l => l.Trim()).ToArray();
            for (var i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                var parts = lines[i].Split(',');
                if (parts.Length != 2 || parts[0].Trim().Length == 0 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w))
                {
                    throw new ArgumentException($"{source} line {i + 1}: expected 'asset,weight' with a number, got '{Shorten(lines[i])}'.");
                }

                list.Add((parts[0].Trim(), w));
            }
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var weights = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("weights", out var inner) ? inner : root;
                if (weights.ValueKind != JsonValueKind.Object)
                {
                    throw new ArgumentException($"{source}: expected an object of asset -> weight (or {{\"weights\": {{...}}}}).");
                }

                foreach (var property in weights.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(property.Value.GetDouble()))
                    {
                        throw new ArgumentException($"{source}: the weight of '{Shorten(property.Name)}' must be a number.");
                    }

                    list.Add((property.Name, property.Value.GetDouble()));
                }
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{source}: not valid JSON ({e.Message}).");
            }
        }

        if (list.Count == 0)
        {
            throw new ArgumentException($"{source}: the portfolio has no positions" + (csv ?? true ? " (the first line is the header asset,weight)." : "."));
        }

        if (list.Count > MaxPositions)
        {
            throw new ArgumentException($"{source}: {list.Count:N0} positions; at most {MaxPositions:N0}.");
        }

        var duplicate = list.GroupBy(p => p.Item1, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{source}: '{Shorten(duplicate.Key)}' is listed twice.");
        }

        return list;
    }

    /// <summary>PERMNO of each asset: numbers are taken as PERMNOs, anything else as a ticker on the date (crsp/names).</summary>
    public static int[] Resolve(IReadOnlyList<(string Asset, double Weight)> portfolio, WarehouseQuerySession session, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        ArgumentNullException.ThrowIfNull(session);
        var crsp = session.Pinned.ContainsKey("crsp/names") ? new CrspProvider(session) : null;
        var permnos = new int[portfolio.Count];
        for (var i = 0; i < portfolio.Count; i++)
        {
            var asset = portfolio[i].Asset;
            if (int.TryParse(asset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var permno))
            {
                permnos[i] = permno;
                continue;
            }

            permnos[i] = crsp?.Lookup(asset, date)
                ?? throw new ArgumentException(crsp is null
                    ? $"'{Shorten(asset)}' is not a PERMNO and the warehouse has no crsp/names to look tickers up in."
                    : $"No security carried ticker '{Shorten(asset)}' on {date:yyyy-MM-dd} (crsp/names).");
        }

        return permnos;
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
