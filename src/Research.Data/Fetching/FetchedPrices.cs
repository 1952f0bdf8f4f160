namespace Research.Data.Fetching;

/// <summary>
/// What the fetcher assembled for one symbol: bars in date order with the provider of each, the spans each provider
/// served, the providers that failed on the way (and why), and every warning a result built on it must carry.
/// </summary>
public sealed record FetchedPrices(
    string Symbol,
    string Currency,
    IReadOnlyList<SourcedBar> Bars,
    IReadOnlyList<SourceSpan> Sources,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Warnings);
