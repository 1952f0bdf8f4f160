namespace Research.Backtesting.Results;

/// <summary>
/// Retention of stored results: keeps the newest <c>keepLatest</c> results and everything younger than <c>maxAge</c>;
/// of the rest, deletes every result that is neither pinned nor starred (row first, then its series folder). A pinned or
/// starred result is never deleted, whatever its age.
/// </summary>
public static class ResultRetention
{
    /// <summary>Applies the rule to <paramref name="index"/>; <paramref name="deleteSeries"/> removes a deleted job's series folder.</summary>
    public static async Task<RetentionOutcome> ApplyAsync(IBacktestResultIndex index, int keepLatest, TimeSpan maxAge, DateTimeOffset now, Action<string> deleteSeries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(deleteSeries);
        var all = await index.ListAsync(10_000, cancellationToken).ConfigureAwait(false);
        var cutoff = now - maxAge;
        var deleted = new List<string>();
        var kept = 0;
        var recent = 0;
        for (var i = 0; i < all.Count; i++)
        {
            var row = all[i];
            if (row.Pinned || row.Starred)
            {
                kept++;
                continue;
            }

            if (i < keepLatest || row.CreatedAt >= cutoff)
            {
                recent++;
                continue;
            }

            if (await index.DeleteUnflaggedAsync(row.JobId, cancellationToken).ConfigureAwait(false))
            {
                deleteSeries(row.JobId);
                deleted.Add(row.JobId);
            }
        }

        return new RetentionOutcome(deleted, kept, recent);
    }
}
