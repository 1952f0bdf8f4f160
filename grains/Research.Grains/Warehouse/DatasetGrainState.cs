namespace Research.Grains.Warehouse;

/// <summary>Persisted state of a <see cref="DatasetGrain"/>.</summary>
[GenerateSerializer, Alias("research.warehouse.DatasetGrainState")]
public sealed class DatasetGrainState
{
    /// <summary>Tag name to version id.</summary>
    [Id(0)]
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
}
