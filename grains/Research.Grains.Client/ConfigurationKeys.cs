namespace Research.Grains.Client;

/// <summary>
/// Every configuration key the platform reads (appsettings, environment variables with <c>__</c> for <c>:</c>,
/// command line). Deployment manifests are checked against this list by a test.
/// </summary>
public static class ConfigurationKeys
{
    public const string Profile = "Research:Profile";
    public const string DataRoot = "Research:DataRoot";
    public const string ClusterId = "Research:Cluster:ClusterId";
    public const string ServiceId = "Research:Cluster:ServiceId";
    public const string SiloPort = "Research:Cluster:SiloPort";
    public const string GatewayPort = "Research:Cluster:GatewayPort";
    public const string AdvertisedAddress = "Research:Cluster:AdvertisedAddress";
    public const string OrleansConnectionString = "ConnectionStrings:Orleans";
    public const string Urls = "Urls";
    public const string LoggingFormat = "Research:Logging:Format";
    /// <summary>Options of the synthetic sync source (read by <c>Research.Data.Synthetic.SyntheticOptionsReader</c>).</summary>
    public const string SyntheticStocks = "Research:Synthetic:Stocks";
    public const string SyntheticYears = "Research:Synthetic:Years";
    public const string SyntheticSeed = "Research:Synthetic:Seed";
    public const string SyntheticEndYear = "Research:Synthetic:EndYear";

    /// <summary>All keys above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Profile, DataRoot, ClusterId, ServiceId, SiloPort, GatewayPort, AdvertisedAddress, OrleansConnectionString, Urls, LoggingFormat,
         SyntheticStocks, SyntheticYears, SyntheticSeed, SyntheticEndYear];
}
