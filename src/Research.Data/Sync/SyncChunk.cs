namespace Research.Data.Sync;

/// <summary>One unit of work of a sync: a partition file (a year of a daily panel, a date of ticks, a whole small table).</summary>
/// <param name="Id">Stable id, e.g. <c>year=2024</c> or <c>all</c>.</param>
/// <param name="RelativePath">Where the file goes inside the version, e.g. <c>year=2024/part-0.parquet</c>.</param>
/// <param name="ExpectedRows">Rows the source says the chunk has (checked by validation).</param>
public sealed record SyncChunk(string Id, string RelativePath, long ExpectedRows);
