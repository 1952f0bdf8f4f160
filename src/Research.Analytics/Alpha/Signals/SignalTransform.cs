using System.Globalization;
using Research.Core.Statistics;

namespace Research.Analytics.Alpha.Signals;

/// <summary>
/// A cross-sectional transform, applied per date over the assets of the universe that have a value (NaN stays NaN):
/// <list type="bullet">
/// <item><c>winsorize:q</c>: clip to the q and 1 - q quantiles (numpy's linear rule), q in (0, 0.5).</item>
/// <item><c>zscore</c>: minus the mean, over the standard deviation (equal weights, ddof 1).</item>
/// <item><c>rank</c>: average ranks scaled to [-0.5, 0.5] ((rank - 1) / (n - 1) - 0.5).</item>
/// <item><c>neutralize:industry</c>: minus the equal-weighted mean of the asset's Fama-French 10 industry; an asset of
/// unknown industry becomes missing.</item>
/// <item><c>neutralize:DESCRIPTOR</c>: the residual of an OLS of the values on a constant and the descriptor's raw
/// values (e.g. <c>neutralize:log_size</c>); an asset without the descriptor becomes missing.</item>
/// </list>
/// </summary>
public abstract record SignalTransform(string Text)
{
    public static SignalTransform Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (name, argument) = text.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, null);
        return (name, argument) switch
        {
            ("zscore", null) => new ZScore(),
            ("rank", null) => new Rank(),
            ("winsorize", { } q) when double.TryParse(q, NumberStyles.Float, CultureInfo.InvariantCulture, out var level) && level > 0 && level < 0.5 => new Winsorize(level),
            ("winsorize", _) => throw new FormatException($"'{text}': winsorize takes a quantile in (0, 0.5), e.g. winsorize:0.01."),
            ("neutralize", "industry") => new NeutralizeIndustry(),
            ("neutralize", { } d) when SignalDescriptors.Find(d) is { External: false } => new NeutralizeDescriptor(d),
            ("neutralize", _) => throw new FormatException($"'{text}': neutralize takes 'industry' or a computed descriptor ({string.Join(", ", SignalDescriptors.All.Where(x => !x.External).Select(x => x.Name))})."),
            _ => throw new FormatException($"'{text}' is not a transform; known: winsorize:q, zscore, rank, neutralize:industry, neutralize:DESCRIPTOR."),
        };
    }

    /// <summary>Transforms <paramref name="values"/> in place; <paramref name="industry"/> and <paramref name="descriptor"/> are per asset of the same cross-section.</summary>
    public abstract void Apply(double[] values, int[] industry, Func<string, double[]> descriptor);

    public override string ToString() => Text;

    private sealed record ZScore() : SignalTransform("zscore")
    {
        public override void Apply(double[] values, int[] industry, Func<string, double[]> descriptor)
        {
            var finite = values.Where(double.IsFinite).ToList();
            var (mean, sd) = (finite.Count > 0 ? finite.Average() : double.NaN, Moments.StandardDeviation(finite));
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = sd > 0 ? (values[k] - mean) / sd : double.NaN;
            }
        }
    }

    private sealed record Rank() : SignalTransform("rank")
    {
        public override void Apply(double[] values, int[] industry, Func<string, double[]> descriptor)
        {
            var at = Enumerable.Range(0, values.Length).Where(k => double.IsFinite(values[k])).ToArray();
            var ranks = SignalAnalytics.Ranks([.. at.Select(k => values[k])]);
            for (var j = 0; j < at.Length; j++)
            {
                values[at[j]] = at.Length > 1 ? ((ranks[j] - 1) / (at.Length - 1)) - 0.5 : 0;
            }
        }
    }

    private sealed record Winsorize(double Level) : SignalTransform(string.Create(CultureInfo.InvariantCulture, $"winsorize:{Level}"))
    {
        public override void Apply(double[] values, int[] industry, Func<string, double[]> descriptor)
        {
            var sorted = values.Where(double.IsFinite).Order().ToArray();
            if (sorted.Length == 0)
            {
                return;
            }

            var (low, high) = (Quantiles.Linear(sorted, Level), Quantiles.Linear(sorted, 1 - Level));
            for (var k = 0; k < values.Length; k++)
            {
                if (double.IsFinite(values[k]))
                {
                    values[k] = Math.Clamp(values[k], low, high);
                }
            }
        }
    }

    private sealed record NeutralizeIndustry() : SignalTransform("neutralize:industry")
    {
        public override void Apply(double[] values, int[] industry, Func<string, double[]> descriptor)
        {
            var groups = Enumerable.Range(0, values.Length).Where(k => double.IsFinite(values[k]) && industry[k] >= 0)
                .GroupBy(k => industry[k]).ToDictionary(g => g.Key, g => g.Average(k => values[k]));
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = industry[k] >= 0 && groups.TryGetValue(industry[k], out var mean) ? values[k] - mean : double.NaN;
            }
        }
    }

    private sealed record NeutralizeDescriptor(string Descriptor) : SignalTransform("neutralize:" + Descriptor)
    {
        public override void Apply(double[] values, int[] industry, Func<string, double[]> descriptor)
        {
            var x = descriptor(Descriptor);
            var both = Enumerable.Range(0, values.Length).Where(k => double.IsFinite(values[k]) && double.IsFinite(x[k])).ToArray();
            double slope = 0, intercept = double.NaN;
            if (both.Length >= 3)
            {
                var (mx, my) = (both.Average(k => x[k]), both.Average(k => values[k]));
                var sxx = both.Sum(k => (x[k] - mx) * (x[k] - mx));
                slope = sxx > 0 ? both.Sum(k => (x[k] - mx) * (values[k] - my)) / sxx : 0;
                intercept = my - (slope * mx);
            }

            for (var k = 0; k < values.Length; k++)
            {
                values[k] = double.IsFinite(x[k]) ? values[k] - intercept - (slope * x[k]) : double.NaN;
            }
        }
    }
}
