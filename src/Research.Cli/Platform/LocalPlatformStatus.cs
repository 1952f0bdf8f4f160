namespace Research.Cli.Platform;

/// <summary>The state of a local platform started by <c>research up</c>.</summary>
public sealed record LocalPlatformStatus(bool Running, string DataRoot, DateTimeOffset? StartedAt, IReadOnlyList<PlatformProcessStatus> Processes)
{
    public static async Task<LocalPlatformStatus> ProbeAsync(string dataRoot, CancellationToken cancellationToken)
    {
        var state = PlatformRunState.TryRead(dataRoot);
        if (state is null || !ChildProcess.IsAlive(state.CliPid))
        {
            return new LocalPlatformStatus(false, dataRoot, null, []);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var processes = new List<PlatformProcessStatus>
        {
            new("research up", state.CliPid, true, null, "-"),
            new("silo", state.SiloPid, ChildProcess.IsAlive(state.SiloPid), state.SiloUrl, await HealthAsync(http, state.SiloUrl, cancellationToken).ConfigureAwait(false)),
            new("console", state.ConsolePid, ChildProcess.IsAlive(state.ConsolePid), state.ConsoleUrl, await HealthAsync(http, state.ConsoleUrl, cancellationToken).ConfigureAwait(false)),
        };
        return new LocalPlatformStatus(true, dataRoot, state.StartedAt, processes);
    }

    internal static async Task<string> HealthAsync(HttpClient http, string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(baseUrl), "/health"), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return $"{(int)response.StatusCode} {body}".Trim();
        }
        catch (HttpRequestException e)
        {
            return "unreachable: " + e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "unreachable: timed out";
        }
    }
}

/// <summary>One process of the platform.</summary>
public sealed record PlatformProcessStatus(string Name, int Pid, bool Alive, string? Url, string Health);
