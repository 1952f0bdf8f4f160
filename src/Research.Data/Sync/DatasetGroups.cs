namespace Research.Data.Sync;

/// <summary>Names a user may give to <c>--dataset</c>: a dataset or a group such as <c>crsp</c>.</summary>
public static class DatasetGroups
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["crsp"] = ["crsp/daily", "crsp/names", "crsp/delisting"],
        ["compustat"] = ["compustat/annual", "compustat/quarterly"],
        ["ccm"] = ["ccm/links"],
        ["famafrench"] = ["famafrench/factors_daily", "famafrench/factors5_daily", "famafrench/factors_monthly", "famafrench/factors5_monthly",
            "famafrench/industry10_daily", "famafrench/industry10_monthly", "famafrench/industry30_daily", "famafrench/industry30_monthly",
            "famafrench/industry49_daily", "famafrench/industry49_monthly"],
        ["taq"] = ["taq/trades", "taq/quotes"],
        ["truth"] = ["truth/factor_returns", "truth/exposures", "truth/specific_risk", "truth/alpha", "truth/earnings"],
    };

    /// <summary>Expands a group to its datasets; a dataset name stays itself. Throws naming what is known.</summary>
    public static IReadOnlyList<string> Expand(string name, IReadOnlyList<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        if (Groups.TryGetValue(name, out var members))
        {
            return [.. members.Where(available.Contains)];
        }

        return available.Contains(name)
            ? [name]
            : throw new ArgumentException($"Unknown dataset '{name}'. Known: {string.Join(", ", Groups.Keys.Concat(available).Distinct())}.", nameof(name));
    }
}
