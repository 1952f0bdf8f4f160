using System.Globalization;
using System.Text.Json;
using Research.Data.Providers.Crsp;
using Research.Data.Warehouse;

namespace Research.Cli.Infrastructure;

/// <summary>
/// A portfolio given on the command line: JSON (<c>{"weights": {"AAPL": 0.4, "10001": 0.6}}</c> or the bare object) or
/// CSV (<c>asset,weight</c> with a header). Assets are PERMNOs or tickers; tickers are resolved through CRSP names on the
/// date. Weights are fractions of capital (they need not sum to 1: a long/short book is allowed).
/// </summary>
internal static class PortfolioFile
{
    public static IReadOnlyList<(string Asset, double Weight)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--portfolio: {path} does not exist.");
        }

        var text = File.ReadAllText(path);
        var list = new List<(string, double)>();
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var lines = text.Split('\n').Select(l => l.Trim()).ToArray();
            for (var i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                var parts = lines[i].Split(',');
                if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) || !double.IsFinite(w))
                {
                    throw new CliException($"{path} line {i + 1}: expected 'asset,weight' with a number, got '{lines[i]}'.");
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
                    throw new CliException($"{path}: expected an object of asset -> weight (or {{\"weights\": {{...}}}}).");
                }

                foreach (var property in weights.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(property.Value.GetDouble()))
                    {
                        throw new CliException($"{path}: the weight of '{property.Name}' must be a number.");
                    }

                    list.Add((property.Name, property.Value.GetDouble()));
                }
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}: not valid JSON ({e.Message}).");
            }
        }

        if (list.Count == 0)
        {
            throw new CliException($"{path}: the portfolio has no positions.");
        }

        var duplicate = list.GroupBy(p => p.Item1, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CliException($"{path}: '{duplicate.Key}' is listed twice.");
        }

        return list;
    }

    /// <summary>PERMNO of each asset: numbers are taken as PERMNOs, anything else as a ticker on the date.</summary>
    public static int[] Resolve(IReadOnlyList<(string Asset, double Weight)> portfolio, WarehouseQuerySession session, DateOnly date)
    {
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
                ?? throw new CliException(crsp is null
                    ? $"'{asset}' is not a PERMNO and the warehouse has no crsp/names to look tickers up in."
                    : $"No security carried ticker '{asset}' on {date:yyyy-MM-dd} (crsp/names).");
        }

        return permnos;
    }
}
