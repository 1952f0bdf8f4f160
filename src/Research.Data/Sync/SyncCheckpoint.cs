namespace Research.Data.Sync;

/// <summary>Progress of a sync that has not published yet (<c>.staging/sync/&lt;dataset&gt;/checkpoint.json</c>).</summary>
public sealed record SyncCheckpoint(string Dataset, SyncMode Mode, string SourceQueryHash, IReadOnlyDictionary<string, CompletedChunk> Completed);

/// <summary>A chunk already staged: its file (relative to the staging folder), checksum and rows.</summary>
public sealed record CompletedChunk(string RelativePath, string Sha256, long Rows);
