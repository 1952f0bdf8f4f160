using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;
using Research.Backtesting.Results;
using Research.Data.Fetching;
using Research.Data.Warehouse;
using Research.Grains.Backtests;
using Research.Grains.Security;
using Research.Platform.Storage.Security;

namespace Research.Grains.Hosting;

/// <summary>
/// What a silo registers, one extension per area, used alike by the silo host (<c>silo/Research.Silo</c>), the test
/// clusters and the benchmarks, so that a test runs the grains wired as production wires them. Options come in bound
/// and validated (<see cref="BindBacktestJobOptions"/>, <see cref="BindSessionPolicy"/>): a bad value stops the silo at
/// start with a sentence naming the key, instead of falling back silently.
/// </summary>
public static class SiloRegistration
{
    /// <summary>The warehouse the grains read and write, the clock, and the silo-side action check on every marked grain method.</summary>
    public static ISiloBuilder AddResearchWarehouse(this ISiloBuilder silo, WarehouseLayout layout, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(layout);
        silo.Services.AddSingleton(clock);
        silo.Services.TryAddSingleton(new FetcherSettings());
        silo.Services.TryAddSingleton(new Research.Grains.Warehouse.ExplorerOptions());
        silo.Services.TryAddSingleton<FetcherMetrics>();
        silo.AddIncomingGrainCallFilter<ActionAuthorizationFilter>();
        silo.AddIncomingGrainCallFilter<PortableErrorFilter>();
        silo.Services.Configure<OrleansJsonSerializerOptions>(UseWireNames);
        return silo;
    }

    /// <summary>
    /// Grain state (JSON) names enum values as the wire does (<see cref="WireNames"/>: <c>"running"</c>,
    /// <c>"next-close"</c>), so a state persisted before the contracts were enums, when these were strings, still reads,
    /// and a stored value does not depend on member order.
    /// </summary>
    public static void UseWireNames(OrleansJsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.JsonSerializerSettings.Converters.Add(new StringEnumConverter(new KebabCaseNamingStrategy()) { AllowIntegerValues = true });
    }

    /// <summary>
    /// Backtest jobs: series under <paramref name="seriesRoot"/>, rows in <paramref name="index"/>, limits from
    /// <paramref name="options"/>; signal sweeps record their trials in <paramref name="trials"/>.
    /// </summary>
    public static ISiloBuilder AddResearchBacktests(this ISiloBuilder silo, string seriesRoot, IBacktestResultIndex index, BacktestJobOptions options,
        Research.Backtesting.Overfitting.ISignalTrialRecorder? trials = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Backtest job options: " + string.Join(" ", problems));
        }

        silo.Services.AddSingleton(sp => new BacktestServices(sp.GetRequiredService<WarehouseLayout>(), new BacktestSeriesStore(seriesRoot), index, options) { Trials = trials });
        return silo;
    }

    /// <summary>
    /// The trading side: paper accounts' cash, the account rules' limits and the paper broker (<paramref name="options"/>);
    /// the breaker's step-up check goes to the account store unless a verifier is already registered.
    /// </summary>
    public static ISiloBuilder AddResearchTrading(this ISiloBuilder silo, Research.Grains.Trading.TradingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        options ??= new Research.Grains.Trading.TradingOptions();
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException("Trading options: " + string.Join(" ", problems));
        }

        silo.Services.AddSingleton(options);
        silo.Services.TryAddSingleton<Research.Grains.Trading.IStepUpVerifier, Research.Grains.Trading.AccountStepUpVerifier>();
        silo.Services.TryAddSingleton(sp => new Research.Grains.Trading.TradingMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        silo.Services.TryAddSingleton<Research.Grains.Trading.SiloQuotes>();
        silo.Services.TryAddSingleton<Research.Grains.Trading.BrokerAdapters>();

        // The gateways publish order and fill events on memory streams; subscriptions live in memory too (a follower
        // that loses its subscription with a silo reads the gap from the gateway's fills, the record).
        silo.AddMemoryStreams(Research.Grains.Abstractions.Trading.TradingStreams.Provider);
        silo.AddMemoryGrainStorage("PubSubStore");

        // Grain state holds the trading library's types (the book, orders, fills, breaker books): the JSON state
        // serializer reads back only allowed types.
        silo.Services.Configure<Orleans.Serialization.Configuration.TypeManifestOptions>(o =>
        {
            o.AddAllowedAssembly(typeof(Research.Trading.Breakers.BreakerBook).Assembly);
            o.AddAllowedType(typeof(Research.Grains.Trading.GatewayState));
            o.AddAllowedType(typeof(Research.Grains.Trading.StrategyState));
        });
        return silo;
    }

    /// <summary>The alert service: rules, channels and alerts in <paramref name="store"/>, delivered as <paramref name="options"/> say.</summary>
    public static ISiloBuilder AddResearchAlerts(this ISiloBuilder silo, Research.Platform.Storage.Alerts.AlertStore store, Research.Grains.Alerts.AlertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(store);
        silo.Services.AddSingleton(options ?? new Research.Grains.Alerts.AlertOptions());
        silo.Services.TryAddSingleton(sp => new Research.Alerts.AlertSender(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, sp.GetRequiredService<TimeProvider>()));
        return silo;
    }

    /// <summary>Reports: made, printed (Chromium from <paramref name="options"/>), archived under the data root and sent through the alert channels.</summary>
    public static ISiloBuilder AddResearchReports(this ISiloBuilder silo, Research.Grains.Reports.ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(options ?? new Research.Grains.Reports.ReportOptions());
        silo.Services.TryAddSingleton<Research.Grains.Reports.ReportServices>();
        silo.Services.TryAddSingleton(sp => new Research.Alerts.AlertSender(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, sp.GetRequiredService<TimeProvider>()));
        return silo;
    }

    /// <summary>Report options over the defaults: <c>Research:Reports:Chromium</c>, the browser that prints PDFs (it must exist).</summary>
    public static Research.Grains.Reports.ReportOptions BindReportOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = Research.Grains.Reports.ReportOptions.Section + ":Chromium";
        return configuration[key] is { Length: > 0 } path
            ? new Research.Grains.Reports.ReportOptions { Chromium = File.Exists(path) ? path : throw new InvalidOperationException($"Configuration {key}: '{path}' does not exist.") }
            : new Research.Grains.Reports.ReportOptions();
    }

    /// <summary>Explorer options over the defaults: <c>Research:Explorer:QueryTimeoutSeconds</c>, a query's time limit (1 to 3600).</summary>
    public static Research.Grains.Warehouse.ExplorerOptions BindExplorerOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = Research.Grains.Warehouse.ExplorerOptions.Section + ":QueryTimeoutSeconds";
        return configuration[key] is { Length: > 0 } text
            ? new Research.Grains.Warehouse.ExplorerOptions
            {
                QueryTimeout = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
                    ? TimeSpan.FromSeconds(seconds) : throw new InvalidOperationException($"Configuration {key}: '{text}' is not a whole number of seconds from 1 to 3600."),
            }
            : new Research.Grains.Warehouse.ExplorerOptions();
    }

    /// <summary>Alert options over the defaults: <c>Research:Alerts:ConsoleUrl</c>, the console address messages link to.</summary>
    public static Research.Grains.Alerts.AlertOptions BindAlertOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = Research.Grains.Alerts.AlertOptions.Section + ":ConsoleUrl";
        return configuration[key] is { Length: > 0 } text
            ? new Research.Grains.Alerts.AlertOptions
            {
                ConsoleUrl = Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                    ? url : throw new InvalidOperationException($"Configuration {key}: '{text}' is not an http(s) address."),
            }
            : new Research.Grains.Alerts.AlertOptions();
    }

    /// <summary>
    /// The health grain's thresholds, the latency of every platform grain call (recorded here, reported to the health
    /// grain every 10 seconds and on the <c>Research.Platform</c> meter).
    /// </summary>
    public static ISiloBuilder AddResearchHealth(this ISiloBuilder silo, Research.Grains.Health.HealthThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(thresholds ?? Research.Grains.Health.HealthThresholds.Default);
        silo.Services.TryAddSingleton(sp => new Research.Grains.Client.Monitoring.LatencyRecorder(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        silo.AddIncomingGrainCallFilter<Research.Grains.Health.GrainCallLatencyFilter>();
        silo.Services.AddHostedService(sp => new Research.Grains.Client.Monitoring.LatencyReporter(
            sp.GetRequiredService<Research.Grains.Client.Monitoring.LatencyRecorder>(), sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>(),
            "silo " + sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Research.Grains.Client.Monitoring.LatencyReporter>>()));
        silo.Services.Configure<Orleans.Serialization.Configuration.TypeManifestOptions>(o => o.AddAllowedType(typeof(Research.Grains.Health.HealthProbeState)));
        return silo;
    }

    /// <summary>Users, sessions, API keys and the audit log behind the security grains.</summary>
    public static ISiloBuilder AddResearchSecurityGrains(this ISiloBuilder silo, SecurityStorage storage, SessionPolicy policy, SignInThrottlePolicy? throttle = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSingleton(policy);
        silo.Services.AddSingleton(throttle ?? SignInThrottlePolicy.Default);
        silo.Services.AddResearchSecurity(storage);
        return silo;
    }

    /// <summary>
    /// Binds section <c>Research:Fetcher</c> (<see cref="FetcherSettings"/>: the provider chain, Yahoo's host, pacing and
    /// cache) over the defaults; throws naming a bad key or value.
    /// </summary>
    public static FetcherSettings BindFetcherSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new FetcherSettings();
        try
        {
            configuration.GetSection(FetcherSettings.Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
            return settings.Validated();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException($"Configuration section {FetcherSettings.Section}: {e.Message}", e);
        }
    }

    /// <summary>Binds section <see cref="BacktestJobOptions.Section"/> over the defaults; throws naming every bad key.</summary>
    public static BacktestJobOptions BindBacktestJobOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new BacktestJobOptions();
        try
        {
            configuration.GetSection(BacktestJobOptions.Section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Configuration section {BacktestJobOptions.Section}: {e.Message}", e);
        }

        return options.Problems() is { Count: > 0 } problems ? throw new InvalidOperationException("Backtest job options: " + string.Join(" ", problems)) : options;
    }

    /// <summary>Trading options over the defaults: <c>Research:Trading:InitialCash</c> (a paper account's starting cash); throws when it is not a positive number.</summary>
    public static Research.Grains.Trading.TradingOptions BindTradingOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = Research.Grains.Trading.TradingOptions.Section;
        var options = new Research.Grains.Trading.TradingOptions();
        if (Positive(configuration, section + ":InitialCash") is { } cash)
        {
            options = options with { InitialCash = cash };
        }

        if (Positive(configuration, section + ":StrategyCheckMinutes") is { } minutes)
        {
            options = options with { StrategyCheck = TimeSpan.FromMinutes(minutes) };
        }

        var alpaca = configuration.GetSection(section + ":Alpaca").GetChildren().ToList();
        if (alpaca.Count > 0)
        {
            options = options with
            {
                Alpaca = alpaca.ToDictionary(a => a.Key, a => new Research.Trading.Brokers.AlpacaSettings(
                    Uri.TryCreate(a["BaseUrl"], UriKind.Absolute, out var url) ? url : throw new InvalidOperationException($"Configuration {section}:Alpaca:{a.Key}:BaseUrl: '{a["BaseUrl"]}' is not an absolute address."),
                    a["KeyId"] ?? string.Empty, a["SecretKey"] ?? string.Empty), StringComparer.Ordinal),
            };
        }

        if (configuration[section + ":AllowShort"] is { } allow)
        {
            options = options with
            {
                Broker = options.Broker with
                {
                    AllowShort = bool.TryParse(allow, out var yes) ? yes : throw new InvalidOperationException($"Configuration {section}:AllowShort: '{allow}' is not true or false."),
                },
            };
        }

        return options;
    }

    /// <summary>Console session timeouts (minutes idle, hours in all) over the defaults; throws when one is not a positive number.</summary>
    public static SessionPolicy BindSessionPolicy(IConfiguration configuration, string idleMinutesKey, string absoluteHoursKey)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var idle = Positive(configuration, idleMinutesKey) ?? SessionPolicy.Default.Idle.TotalMinutes;
        var absolute = Positive(configuration, absoluteHoursKey) ?? SessionPolicy.Default.Absolute.TotalHours;
        return new SessionPolicy(TimeSpan.FromMinutes(idle), TimeSpan.FromHours(absolute));
    }

    /// <summary>Failed sign-ins per address in 15 minutes (<paramref name="key"/>) over the default; throws when not a positive whole number.</summary>
    public static SignInThrottlePolicy BindSignInThrottle(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = Positive(configuration, key);
        return value switch
        {
            null => SignInThrottlePolicy.Default,
            { } v when v == Math.Floor(v) && v <= int.MaxValue => SignInThrottlePolicy.Default with { FailuresPerWindow = (int)v },
            _ => throw new InvalidOperationException($"Configuration {key}: '{configuration[key]}' is not a whole number."),
        };
    }

    private static double? Positive(IConfiguration configuration, string key)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value)
            ? value
            : throw new InvalidOperationException($"Configuration {key}: '{text}' is not a positive number.");
    }
}
