namespace Research.Backtesting.Results;

/// <summary>A finished job's row in the result index.</summary>
public sealed record StoredResult(
    string JobId,
    string Kind,
    string Label,
    string RequestedBy,
    string Spec,
    string DataVersions,
    string Metrics,
    string MetricsSha256,
    string SeriesFolder,
    string SeriesSha256,
    DateTimeOffset CreatedAt,
    bool Pinned,
    bool Starred);
