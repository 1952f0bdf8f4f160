namespace Research.Grains;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class GrainStorageNames
{
    /// <summary>The platform's grain state: SQLite under the data root (Development) or PostgreSQL (Production).</summary>
    public const string Research = "research";
}
