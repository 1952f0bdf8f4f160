using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Warehouse;

/// <summary>One dataset (key: dataset name, e.g. <c>crsp/daily</c>): tags and other persisted metadata.</summary>
[Alias("research.warehouse.dataset")]
public interface IDatasetGrain : IGrainWithStringKey
{
    /// <summary>Points a tag (e.g. <c>paper-2025</c>) at a version id; replaces an existing tag of that name.</summary>
    [Alias("tag")]
    [RequiresAction(ResearchActions.DatasetTag)]
    Task TagAsync(string tag, string versionId);

    /// <summary>All tags of the dataset.</summary>
    [Alias("tags")]
    Task<IReadOnlyDictionary<string, string>> GetTagsAsync();

    /// <summary>The silo currently hosting this activation (for operators and tests).</summary>
    [Alias("host")]
    Task<string> GetHostAsync();
}
