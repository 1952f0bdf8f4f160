namespace Research.Data.Sync;

/// <summary>Full: pull every chunk. Incremental: pull chunks from the parent's watermark on, keep the rest.</summary>
public enum SyncMode
{
    Full,
    Incremental,
}
