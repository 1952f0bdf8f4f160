namespace Research.Platform.Storage.Relational;

/// <summary>One versioned SQL script: <c>0003_orleans_persistence.sql</c> is version 3, named orleans_persistence.</summary>
public sealed record SchemaMigration(int Version, string Name, string Sql, string Sha256);
