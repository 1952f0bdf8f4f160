using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;
using Research.Grains.Client;
using Research.Platform.Storage.Security;
using Research.Silo.Hosting;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>
/// The platform as the console tests use it: a real silo (the production silo configuration, Development profile) over a
/// small synthetic warehouse, and the real console on a free loopback port, both in this process. Users are created
/// through the same administration service as <c>research admin</c>.
/// </summary>
public class ConsolePlatform : IAsyncLifetime
{
    private readonly TempDirectory _root = TestEnvironment.CreateTempDirectory("console");
    private IHost? _silo;
    private WebApplication? _console;
    private int _users;

    public Uri BaseAddress { get; private set; } = null!;

    public string DataRoot => _root.Combine("data");

    public SecurityStorage Storage { get; private set; } = null!;

    public Dictionary<string, string?> Configuration { get; } = [];

    /// <summary>The console's own cluster client (for grain calls as a chosen identity).</summary>
    public IClusterClient Cluster => _console!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The console's own services (its area facades are scoped: create a scope).</summary>
    public IServiceProvider ConsoleServices => _console!.Services;

    /// <summary>Submits <paramref name="submission"/> as <paramref name="caller"/> and waits for it to succeed; its job id.</summary>
    public async Task<string> RunJobAsync(CallerIdentity caller, JobSubmission submission)
    {
        var scheduler = Cluster.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var submitted = await caller.RunAsync(() => scheduler.SubmitAsync(submission));
        var job = Cluster.GetGrain<IBacktestJobGrain>(submitted.JobId);
        var done = await Eventually.UntilAsync(() => caller.RunAsync(job.GetStatusAsync), s => s.IsFinished, $"job {submitted.JobId} to finish", TimeSpan.FromMinutes(3));
        Assert.True(done.State == JobState.Succeeded, $"{submitted.JobId}: {WireNames.Of(done.State)} {done.Error}");
        return submitted.JobId;
    }

    public async ValueTask InitializeAsync()
    {
        var layout = new WarehouseLayout(DataRoot);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 80, Years = 3, EndYear = 2024, Seed = 11, IntradaySymbols = 0 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "famafrench/factors_daily" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests");
        }

        // The risk dashboard reads a stored model, fitted as 'research up' fits the demo's.
        await Research.Analytics.Risk.RiskModelBuild.FitAndPublishAsync(layout, "tests", TimeProvider.System);

        var silo = FreePort();
        var gateway = FreePort();
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Configuration[ConfigurationKeys.Profile] = "Development";
        Configuration[ConfigurationKeys.DataRoot] = DataRoot;
        Configuration[ConfigurationKeys.SiloPort] = silo.ToString(CultureInfo.InvariantCulture);
        Configuration[ConfigurationKeys.GatewayPort] = gateway.ToString(CultureInfo.InvariantCulture);
        Configuration[ConfigurationKeys.SignInsPerMinute] = "100000";
        Configuration[ConfigurationKeys.FailedSignInsPerAddress] = "60"; // every test signs in from 127.0.0.1
        Configuration["Research:Explorer:QueryTimeoutSeconds"] = "5"; // the explorer's runaway query stops sooner
        Configure(Configuration);
        Configuration[ConfigurationKeys.Urls] = BaseAddress.ToString().TrimEnd('/');
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Configuration).Build();

        _silo = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleans(s => s.ConfigureResearchSilo(configuration, SiloClock))
            .Build();
        await _silo.StartAsync();
        _console = await StartConsoleAsync(Configuration);
        Storage = SecurityStorage.Open(null, DataRoot, TimeProvider.System);
    }

    /// <summary>The silo's clock: the system clock, or a fake one a derived platform moves by hand.</summary>
    protected virtual TimeProvider SiloClock => TimeProvider.System;

    /// <summary>Settings a derived platform changes (e.g. short session timeouts) before the silo and console start.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Another console process-equivalent on the same cluster (e.g. with other limits); the caller stops it.</summary>
    public static async Task<WebApplication> StartConsoleAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var app = ConsoleHost.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
            if (Environment.GetEnvironmentVariable("RESEARCH_TEST_CONSOLE_LOG") is { Length: > 0 } log)
            {
                b.Logging.AddSimpleConsole().AddFilter(l => l >= LogLevel.Warning);
                System.Console.SetOut(new StreamWriter(log, append: true) { AutoFlush = true });
            }
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Creates a user ready to sign in: own password (no one-time password step) and, when <paramref name="twoFactor"/>
    /// (always for operators and administrators), an enrolled authenticator whose key is returned.
    /// </summary>
    public Task<TestUser> CreateUserAsync(string role, bool? twoFactor = null, string? name = null) =>
        TestUsers.CreateAsync(Storage, name ?? $"{role}{Interlocked.Increment(ref _users)}", role, twoFactor ?? role is "operator" or "admin");

    /// <summary>Gives <paramref name="name"/> a one-time password (as an administrator would) and returns it.</summary>
    public async Task<string> ResetPasswordAsync(string name)
    {
        await using var services = new ServiceCollection().AddLogging().AddResearchSecurity(Storage).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        return await admin.ResetPasswordAsync((await admin.Users.FindByNameAsync(name))!, new AdminContext("tests", "tests"));
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed (the tests look at them).</summary>
    public ConsoleClient NewClient() => new(BaseAddress);

    public virtual async ValueTask DisposeAsync()
    {
        if (_console is not null)
        {
            await _console.StopAsync();
            await _console.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }

        _root.Dispose();
        GC.SuppressFinalize(this);
    }

    public static int FreePort() => FreePorts.Next();
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsolePlatform>
{
    public const string Name = "console";
}

/// <summary>Signing in a test user.</summary>
public static class ConsoleClientExtensions
{
    public static Task<string?> SignInAsync(this ConsoleClient client, TestUser user, string? code = null) => client.SignInAsync(user.Name, user.Password, user.TotpKey, code);
}
