namespace Research.Analytics.Alpha;

/// <summary>How a signal is evaluated (see <see cref="SignalAnalytics"/>).</summary>
/// <param name="Horizons">Forward-return horizons in sessions (trading days, not calendar days).</param>
/// <param name="Quantiles">Equal-count buckets per date (alphalens' <c>quantiles=5</c>).</param>
/// <param name="MaxDropShare">The largest share of signal values that may be lost for want of a forward return at the
/// shortest horizon; more fails loudly, naming the numbers (a silent drop is alphalens' most reported complaint).</param>
public sealed record SignalAnalyticsOptions(IReadOnlyList<int> Horizons, int Quantiles = 5, double MaxDropShare = 0.35)
{
    public static SignalAnalyticsOptions Default { get; } = new([1, 5, 21]);
}
