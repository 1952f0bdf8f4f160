namespace Research.Grains.Client;

/// <summary>
/// Every configuration key the platform reads (appsettings, environment variables with <c>__</c> for <c>:</c>,
/// command line). Deployment manifests are checked against this list by a test.
/// </summary>
public static class ConfigurationKeys
{
    public const string Profile = "Research:Profile";
    public const string DataRoot = "Research:DataRoot";

    /// <summary>Failed sign-ins one client address may make in 15 minutes before it is refused (default 20).</summary>
    public const string FailedSignInsPerAddress = "Research:Security:FailedSignInsPerAddress";

    /// <summary>The audit log's MAC key file (default <c>&lt;DataRoot&gt;/.research/audit.key</c>); mount it from a secret in production.</summary>
    public const string AuditKeyFile = "Research:Audit:KeyFile";
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
    /// <summary>WRDS connection (defaults: WRDS's server); the password only from user secrets or a secret store, never a file in the repository.</summary>
    public const string WrdsHost = "Research:Wrds:Host";
    public const string WrdsPort = "Research:Wrds:Port";
    public const string WrdsDatabase = "Research:Wrds:Database";
    public const string WrdsUsername = "Research:Wrds:Username";
    public const string WrdsPassword = "Research:Wrds:Password";
    public const string WrdsSslMode = "Research:Wrds:SslMode";
    public const string WrdsSecretsFile = "Research:Wrds:SecretsFile";
    public const string WrdsPgpassFile = "Research:Wrds:PgpassFile";

    /// <summary>TAQ pulls from WRDS: the row limit of one pull unless forced (default 50,000,000), sample days tier 3 keeps
    /// (default: all), and the transfer rate the estimate assumes in MiB/s (default 20); read by <c>research taq</c>.</summary>
    public const string TaqMaxRows = "Research:Taq:MaxRows";
    public const string TaqKeepDays = "Research:Taq:KeepDays";
    public const string TaqMegabytesPerSecond = "Research:Taq:MegabytesPerSecond";

    /// <summary>Backtest jobs: jobs running at once per silo and per user (see <c>BacktestJobOptions</c>).</summary>
    public const string BacktestJobsPerSilo = "Research:Backtests:MaxJobsPerSilo";
    public const string BacktestJobsPerUser = "Research:Backtests:MaxJobsPerUser";

    /// <summary>Console sessions: minutes without a request, and hours after sign-in, before a session ends (defaults 30 and 12); read by the silo.</summary>
    public const string SessionIdleMinutes = "Research:Console:IdleTimeoutMinutes";
    public const string SessionAbsoluteHours = "Research:Console:AbsoluteTimeoutHours";

    /// <summary>Sign-in attempts per minute per client address before 429 (default 30); read by the console.</summary>
    public const string SignInsPerMinute = "Research:Console:SignInsPerMinute";

    /// <summary>Where the console keeps its data-protection key ring (cookie and antiforgery keys); default &lt;DataRoot&gt;/security/console-keys. Share it between console replicas.</summary>
    public const string ConsoleKeysPath = "Research:Console:KeysPath";

    /// <summary>The classic notebook server started by the notebook launcher (default /usr/bin/jupyter-notebook).</summary>
    public const string NotebooksJupyter = "Research:Notebooks:Jupyter";

    /// <summary>Minutes a notebook session may go unopened before it is stopped (default 120).</summary>
    public const string NotebooksIdleMinutes = "Research:Notebooks:IdleMinutes";

    /// <summary>Hours a notebook session may run at most (default 12).</summary>
    public const string NotebooksMaxHours = "Research:Notebooks:MaxHours";

    /// <summary>Notebook sessions one user may run at once (default 2).</summary>
    public const string NotebooksPerUser = "Research:Notebooks:PerUser";

    /// <summary>All keys above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Profile, DataRoot, ClusterId, ServiceId, SiloPort, GatewayPort, AdvertisedAddress, OrleansConnectionString, Urls, LoggingFormat,
         SyntheticStocks, SyntheticYears, SyntheticSeed, SyntheticEndYear,
         WrdsHost, WrdsPort, WrdsDatabase, WrdsUsername, WrdsPassword, WrdsSslMode, WrdsSecretsFile, WrdsPgpassFile,
         TaqMaxRows, TaqKeepDays, TaqMegabytesPerSecond,
         BacktestJobsPerSilo, BacktestJobsPerUser, SessionIdleMinutes, SessionAbsoluteHours, SignInsPerMinute, ConsoleKeysPath,
         NotebooksJupyter, NotebooksIdleMinutes, NotebooksMaxHours, NotebooksPerUser];
}
