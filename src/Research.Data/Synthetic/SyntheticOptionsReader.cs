using System.Globalization;

namespace Research.Data.Synthetic;

/// <summary>Reads the synthetic source's options from configuration keys <c>Research:Synthetic:*</c> (the demo market by default).</summary>
public static class SyntheticOptionsReader
{
    public const string Stocks = "Research:Synthetic:Stocks";
    public const string Years = "Research:Synthetic:Years";
    public const string Seed = "Research:Synthetic:Seed";
    public const string EndYear = "Research:Synthetic:EndYear";

    /// <summary>Applies the configured values to <paramref name="defaults"/>; throws naming a malformed key.</summary>
    public static SyntheticMarketOptions Read(Func<string, string?> lookup, SyntheticMarketOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(defaults);
        long Number(string key, long fallback) => lookup(key) is { Length: > 0 } text
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v
                : throw new FormatException($"{key}: '{text}' is not a non-negative whole number.")
            : fallback;
        var options = defaults with
        {
            Stocks = (int)Number(Stocks, defaults.Stocks),
            Years = (int)Number(Years, defaults.Years),
            Seed = (ulong)Number(Seed, (long)defaults.Seed),
            EndYear = (int)Number(EndYear, defaults.EndYear),
        };
        options.Validate();
        return options;
    }
}
