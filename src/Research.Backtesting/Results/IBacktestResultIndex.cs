namespace Research.Backtesting.Results;

/// <summary>
/// Summaries and metrics of finished jobs, one row per job id. The relational implementation (SQLite embedded,
/// PostgreSQL in production) lives in <c>Research.Platform.Storage</c>, so the backtesting library reaches no SQL store.
/// Recording is insert-if-absent: a job finished twice (after a silo loss) leaves one row.
/// </summary>
public interface IBacktestResultIndex
{
    /// <summary>Records a finished job; returns false when it was already recorded (the first row stays).</summary>
    Task<bool> RecordAsync(StoredResult row, CancellationToken cancellationToken = default);

    /// <summary>The row of <paramref name="jobId"/>, or null.</summary>
    Task<StoredResult?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>The newest results first, at most <paramref name="limit"/> (clamped to 1..10,000).</summary>
    Task<IReadOnlyList<StoredResult>> ListAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record of <paramref name="kind"/> labelled <paramref name="label"/> (a strategy's backtest for its dashboard):
    /// the newest pinned result when one is pinned, else the newest, else null.
    /// </summary>
    Task<StoredResult?> RecordAsync(string kind, string label, CancellationToken cancellationToken = default);

    /// <summary>Pins or stars a result (null leaves a flag as it is); false when there is no such result.</summary>
    Task<bool> SetFlagsAsync(string jobId, bool? pinned, bool? starred, CancellationToken cancellationToken = default);

    /// <summary>Deletes the row of <paramref name="jobId"/> unless it is pinned or starred; true when a row was deleted.</summary>
    Task<bool> DeleteUnflaggedAsync(string jobId, CancellationToken cancellationToken = default);
}
