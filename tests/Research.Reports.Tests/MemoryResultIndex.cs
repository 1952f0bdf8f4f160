using Research.Backtesting.Results;

namespace Research.Reports.Tests;

/// <summary>A result index in a dictionary, for reports built from stored series without a database.</summary>
internal sealed class MemoryResultIndex : IBacktestResultIndex
{
    private readonly Dictionary<string, StoredResult> _rows = new(StringComparer.Ordinal);

    public Task<bool> RecordAsync(StoredResult row, CancellationToken cancellationToken = default) => Task.FromResult(_rows.TryAdd(row.JobId, row));

    public Task<StoredResult?> GetAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(_rows.GetValueOrDefault(jobId));

    public Task<IReadOnlyList<StoredResult>> ListAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredResult>>([.. _rows.Values.OrderByDescending(r => r.CreatedAt).Take(limit)]);

    public Task<StoredResult?> RecordAsync(string kind, string label, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.Values.Where(r => r.Kind == kind && r.Label == label).OrderByDescending(r => r.Pinned).ThenByDescending(r => r.CreatedAt).FirstOrDefault());

    public Task<bool> SetFlagsAsync(string jobId, bool? pinned, bool? starred, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public Task<bool> DeleteUnflaggedAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(false);
}
