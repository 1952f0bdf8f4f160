namespace Research.Data.Etl;

/// <summary>The last ETL run of a dataset: when, how it ended (<c>published</c>, <c>nothing new</c>, <c>failed</c>), what it published.</summary>
public sealed record EtlRunRecord(
    string Dataset,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    string Outcome,
    string? Version,
    int NewRows,
    string? Watermark,
    int Symbols,
    int SymbolsFailed,
    string? Error);
