namespace Research.Grains.Warehouse;

/// <summary>The dataset explorer's settings (<c>Research:Explorer</c>): how long one query may run before it is stopped.</summary>
public sealed record ExplorerOptions
{
    public const string Section = "Research:Explorer";

    /// <summary>A query's time limit (<c>Research:Explorer:QueryTimeoutSeconds</c>, default 30 s; exports get twice as long).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
