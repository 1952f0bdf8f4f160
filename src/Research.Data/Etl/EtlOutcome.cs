using Research.Data.Fetching;

namespace Research.Data.Etl;

/// <summary>What an ETL run did.</summary>
/// <param name="Published">The version published, or null when nothing was new (nothing published).</param>
/// <param name="NewRows">Rows the current version did not have.</param>
/// <param name="DroppedNonSessions">Bars dropped because their date is not an NYSE session (foreign holidays, weekend crypto bars).</param>
/// <param name="Failed">Symbols no provider served, with the reasons (the others were loaded).</param>
/// <param name="Sources">Who served which dates, per symbol.</param>
/// <param name="Warnings">Caveats of the data used (Yahoo's development-only warnings), also in the version's manifest.</param>
public sealed record EtlOutcome(
    string Dataset,
    string? Published,
    long Rows,
    int NewRows,
    int DroppedNonSessions,
    string? Watermark,
    IReadOnlyList<(string Symbol, string Reason)> Failed,
    IReadOnlyDictionary<string, IReadOnlyList<SourceSpan>> Sources,
    IReadOnlyList<string> Warnings);
