using Research.Platform.Storage.Relational;
using Research.Platform.Storage.Security;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Security;

/// <summary>The security tables on SQLite (a temporary folder) or on a fresh migrated PostgreSQL database, for theories over both.</summary>
internal static class SecurityStores
{
    public static async Task<(SecurityStorage Storage, IAsyncDisposable Resources)> OpenAsync(string kind, TimeProvider clock)
    {
        var dir = TestEnvironment.CreateTempDirectory("security");
        PostgresDatabase? database = null;
        if (kind == "postgres")
        {
            database = await PostgresDatabase.CreateAsync();
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken);
        }

        return (SecurityStorage.Open(database?.ConnectionString, dir.Path, clock), new Resources(dir, database));
    }

    private sealed class Resources(TempDirectory dir, PostgresDatabase? database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            dir.Dispose();
        }
    }
}
