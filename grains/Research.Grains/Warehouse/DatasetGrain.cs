using Research.Data.Warehouse;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Grains.Warehouse;

/// <summary>Owns a dataset's persisted metadata (tags), keyed by dataset name.</summary>
public sealed class DatasetGrain(
    [PersistentState("dataset", GrainStorageNames.Research)] IPersistentState<DatasetGrainState> state,
    ILocalSiloDetails silo) : Grain, IDatasetGrain
{
    public async Task TagAsync(string tag, string versionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        ArgumentException.ThrowIfNullOrWhiteSpace(versionId);
        WarehouseLayout.ValidateName(this.GetPrimaryKeyString());
        state.State.Tags[tag] = versionId;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyDictionary<string, string>> GetTagsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(state.State.Tags, StringComparer.Ordinal));

    public Task<string> GetHostAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
