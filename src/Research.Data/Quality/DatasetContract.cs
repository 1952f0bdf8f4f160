namespace Research.Data.Quality;

/// <summary>
/// The declarative quality contract of a dataset: columns with types, null rates and ranges; the key; whether
/// dates must be continuous NYSE sessions; how far the row count may stray from what the source announced;
/// and how much rows and nulls may change against the parent version.
/// </summary>
public sealed record DatasetContract(
    string Dataset,
    IReadOnlyList<ColumnRule> Columns,
    IReadOnlyList<string> Key,
    string? SessionDateColumn = null,
    double RowCountTolerance = 0.05,
    double MaxRowDropVersusParent = 0.05,
    double MaxNullRateIncreaseVersusParent = 0.02);
