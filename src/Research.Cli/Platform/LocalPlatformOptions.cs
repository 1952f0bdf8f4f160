namespace Research.Cli.Platform;

/// <summary>How <c>research up</c> runs the platform.</summary>
public sealed record LocalPlatformOptions(
    string DataRoot,
    int ConsolePort,
    int SiloHttpPort,
    int SiloPort,
    int GatewayPort,
    bool Build,
    bool SeedDemo)
{
    /// <summary>Print the ready state (URLs, first administrator) as one JSON line instead of sentences.</summary>
    public bool Json { get; init; }
}
