using System.Diagnostics;
using System.Globalization;
using Research.Analytics.Risk;
using Research.Cli.Infrastructure;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

using Research.Platform.Storage.Security;

namespace Research.Cli.Platform;

/// <summary>
/// <c>research up</c>:
/// 1. Refuse to start when a platform from the same data root is already running.
/// 2. Build the silo and console only when asked (<c>--build</c>); otherwise require them built, so nothing
///    is compiled by surprise.
/// 3. Seed an empty warehouse with the demo synthetic market (progress shown).
/// 4. Start the silo (Development profile), wait until its <c>/health</c> answers 200.
/// 5. Start the console (an Orleans client of that silo's gateway), wait for its <c>/health</c>.
/// 6. Print the console URL and wait for Ctrl-C (or SIGTERM), or for a child to die.
/// 7. Stop the console, then the silo (SIGTERM, then kill after a grace period); remove the run-state file.
/// </summary>
public sealed class LocalPlatform(CliOutput output, PlatformLocator locator, LocalPlatformOptions options, TimeProvider clock)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The administrator created on the first start (when there is no user yet).</summary>
    public const string FirstAdmin = "admin";
    internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var existing = PlatformRunState.TryRead(options.DataRoot);
        if (existing is not null && ChildProcess.IsAlive(existing.CliPid) && existing.CliPid != Environment.ProcessId)
        {
            throw new CliException($"A platform is already running from {options.DataRoot} (research up, pid {existing.CliPid}); console at {existing.ConsoleUrl}.");
        }

        if (options.Build)
        {
            await BuildAsync(locator.SiloProject, cancellationToken).ConfigureAwait(false);
            await BuildAsync(locator.ConsoleProject, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (what, path) in new[] { ("silo", locator.SiloAssembly), ("console", locator.ConsoleAssembly) })
        {
            if (!File.Exists(path))
            {
                throw new CliException($"The {what} is not built ({path} is missing): run 'research up --build' or 'dotnet build -c {PlatformLocator.Configuration}'.");
            }
        }

        Directory.CreateDirectory(options.DataRoot);
        await SeedAsync(cancellationToken).ConfigureAwait(false);
        var firstAdminPassword = await Commands.Admin.AdminCommand.CreateFirstAdminAsync(SecurityStorage.Open(null, options.DataRoot, clock), FirstAdmin, cancellationToken).ConfigureAwait(false);

        var siloUrl = $"http://127.0.0.1:{options.SiloHttpPort}";
        var consoleUrl = $"http://127.0.0.1:{options.ConsolePort}";
        var logs = Path.Combine(options.DataRoot, ".research", "logs");
        var environment = new Dictionary<string, string>
        {
            ["Research__Profile"] = "Development",
            ["Research__DataRoot"] = options.DataRoot,
            ["Research__Cluster__SiloPort"] = options.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Research__Cluster__GatewayPort"] = options.GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Research__Alerts__ConsoleUrl"] = consoleUrl + "/", // the address alert messages link to
        };

        using var silo = ChildProcess.Start("silo", locator.SiloAssembly, [], new Dictionary<string, string>(environment) { ["Urls"] = siloUrl }, Path.Combine(logs, "silo.log"));
        ChildProcess? console = null;
        try
        {
            output.Info($"silo: starting (pid {silo.Pid}, log {silo.LogFile})");
            await WaitHealthyAsync(silo, siloUrl, cancellationToken).ConfigureAwait(false);
            console = ChildProcess.Start("console", locator.ConsoleAssembly, [], new Dictionary<string, string>(environment) { ["Urls"] = consoleUrl }, Path.Combine(logs, "console.log"));
            output.Info($"console: starting (pid {console.Pid}, log {console.LogFile})");
            await WaitHealthyAsync(console, consoleUrl, cancellationToken).ConfigureAwait(false);

            await new PlatformRunState(Environment.ProcessId, silo.Pid, console.Pid, siloUrl, consoleUrl, options.GatewayPort, options.DataRoot, clock.GetUtcNow())
                .WriteAsync(cancellationToken).ConfigureAwait(false);
            if (options.Json)
            {
                output.WriteJson(new
                {
                    console = consoleUrl,
                    siloHealth = $"{siloUrl}/health",
                    dataRoot = options.DataRoot,
                    firstAdministrator = firstAdminPassword is null ? null : new { user = FirstAdmin, oneTimePassword = firstAdminPassword },
                    siloPid = silo.Pid,
                    consolePid = console.Pid,
                });
            }
            else
            {
                output.Out.WriteLine($"Console: {consoleUrl}");
                if (firstAdminPassword is not null)
                {
                    output.Out.WriteLine($"First administrator: user '{FirstAdmin}', one-time password {firstAdminPassword} (shown once: sign in, choose your own password, enrol an authenticator).");
                }

                output.Out.WriteLine($"Silo health: {siloUrl}/health   data root: {options.DataRoot}");
                output.Out.WriteLine("Press Ctrl-C to stop.");
            }

            output.Out.Flush();

            var exited = await Task.WhenAny(
                silo.WaitForExitAsync(cancellationToken),
                console.WaitForExitAsync(cancellationToken)).ConfigureAwait(false);
            await exited.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!cancellationToken.IsCancellationRequested)
            {
                var dead = silo.HasExited ? silo : console;
                throw new CliException($"The {dead.Name} exited unexpectedly (code {dead.ExitCode}); last log lines:\n{dead.Tail(15)}");
            }

            output.Info("stopping...");
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Info("stopping...");
            return ExitCodes.Ok;
        }
        finally
        {
            if (console is not null)
            {
                await console.StopAsync(StopGrace).ConfigureAwait(false);
                console.Dispose();
            }

            await silo.StopAsync(StopGrace).ConfigureAwait(false);
            PlatformRunState.Delete(options.DataRoot);
            output.Info("stopped.");
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var layout = new WarehouseLayout(options.DataRoot);
        var seeder = new DemoWarehouseSeeder(layout, clock);
        if (!options.SeedDemo || !seeder.IsEmpty)
        {
            return;
        }

        var demo = DemoWarehouseSeeder.DemoOptions;
        var manifests = await output.WithProgressAsync("seeding demo warehouse", p =>
            seeder.SeedAsync(demo, new SynchronousProgress<SyntheticMarketProgress>(x => p.Report((x.Stage, x.Fraction))), cancellationToken)).ConfigureAwait(false);
        output.Info($"demo warehouse: {manifests.Count} datasets from the synthetic market ({demo.Stocks} stocks, {demo.Years} years, seed {demo.Seed}) in {options.DataRoot}");

        // The risk dashboard reads a stored risk model: fit the demo's now (seconds), as 'research risk fit' would.
        var risk = await output.WithProgressAsync("fitting the demo risk model", p =>
            RiskModelBuild.FitAndPublishAsync(layout, "research up (demo seed)", clock, p, cancellationToken)).ConfigureAwait(false);
        output.Info($"demo risk model: {string.Join(", ", risk.Select(m => m.Dataset))} ({risk[0].VersionId})");
    }

    private async Task WaitHealthyAsync(ChildProcess process, string baseUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = clock.GetUtcNow() + StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new CliException($"The {process.Name} exited during start (code {process.ExitCode}); last log lines:\n{process.Tail(15)}");
            }

            // "200 Degraded" is alive but not ready (the console before it reaches the silo): keep waiting for Healthy.
            var health = await LocalPlatformStatus.HealthAsync(http, baseUrl, cancellationToken).ConfigureAwait(false);
            if (health.StartsWith("200 Healthy", StringComparison.Ordinal))
            {
                output.Info($"{process.Name}: healthy at {baseUrl}");
                return;
            }

            if (clock.GetUtcNow() > deadline)
            {
                throw new CliException($"The {process.Name} did not become healthy within {StartTimeout.TotalSeconds:F0} s (last answer: {health}); see {process.LogFile}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task BuildAsync(string project, CancellationToken cancellationToken)
    {
        output.Info($"building {Path.GetFileNameWithoutExtension(project)} ({PlatformLocator.Configuration})...");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var a in new[] { "build", project, "-c", PlatformLocator.Configuration, "--nologo", "-v", "quiet" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new CliException("Cannot start 'dotnet build'.");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new CliException($"dotnet build {project} failed (exit {process.ExitCode}); see the output above.");
        }
    }
}
