using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Research.Silo.Storage;
using Research.Testing;

namespace Research.Grains.Tests;

/// <summary>The Development profile's grain storage keeps the ADO.NET provider's ETag semantics.</summary>
public sealed class SqliteGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("dataset", "crsp/daily");

    [Fact]
    public async Task State_round_trips_and_a_stale_ETag_is_refused()
    {
        using var dir = TestEnvironment.CreateTempDirectory("sqlite-storage");
        var storage = new SqliteGrainStorage(dir.Combine("orleans", "grains.db"), new JsonSerializer(), new FakeTimeProvider());

        var fresh = new GrainState<Dictionary<string, string>>();
        await storage.ReadStateAsync("dataset", Grain, fresh);
        Assert.False(fresh.RecordExists);
        Assert.Empty(fresh.State!);

        fresh.State!["paper"] = "v1";
        await storage.WriteStateAsync("dataset", Grain, fresh);
        Assert.True(fresh.RecordExists);

        // A second activation that read before the first write (no ETag) must not overwrite it.
        var racer = new GrainState<Dictionary<string, string>> { State = new() { ["paper"] = "v0" } };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("dataset", Grain, racer));

        var reread = new GrainState<Dictionary<string, string>>();
        await storage.ReadStateAsync("dataset", Grain, reread);
        Assert.Equal("v1", reread.State!["paper"]);
        Assert.Equal(fresh.ETag, reread.ETag);

        reread.State["paper"] = "v2";
        await storage.WriteStateAsync("dataset", Grain, reread);
        fresh.State["paper"] = "stale";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("dataset", Grain, fresh));

        await storage.ClearStateAsync("dataset", Grain, reread);
        var cleared = new GrainState<Dictionary<string, string>>();
        await storage.ReadStateAsync("dataset", Grain, cleared);
        Assert.False(cleared.RecordExists);
    }

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => System.Text.Json.JsonSerializer.Deserialize<T>(input.ToArray())!;
    }
}
