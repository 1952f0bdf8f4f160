using Research.Grains.Abstractions.Security;
using Research.Grains.Client.Notebooks;

namespace Research.Console.Notebooks;

/// <summary>
/// Once a minute, stops notebook sessions past their end or unopened for the idle time (<see cref="NotebookLauncher.ExpireAsync"/>)
/// and audits each (<c>notebooks.expire</c>, actor <c>system</c>, the owner and why). Their API keys lapse on their own
/// within a day (the key dies with the session's processes; nothing else holds it). When the console stops, the servers
/// it started stop with it (nothing could open them any more); those started by <c>research notebooks start</c> stay.
/// </summary>
public sealed partial class NotebookExpiry(NotebookLauncher launcher, IClusterClient cluster, TimeProvider clock, ILogger<NotebookExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                foreach (var (session, reason) in await launcher.ExpireAsync().ConfigureAwait(false))
                {
                    LogExpired(logger, session.Id, session.OwnerName, reason);
                    await cluster.GetGrain<IAuditGrain>(0).AppendAsync("system", "notebooks.expire", "notebook " + session.Id, "ok", reason, null, "owner " + session.OwnerName).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or OrleansException or TimeoutException or InvalidOperationException)
            {
                LogFailed(logger, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var session in launcher.List().Where(s => s.Via == "console" && s.StartedBy == Environment.ProcessId))
        {
            if (await launcher.StopAsync(session.Id).ConfigureAwait(false))
            {
                LogExpired(logger, session.Id, session.OwnerName, "the console stopped");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notebook session {Id} of {Owner} stopped: {Reason}")]
    private static partial void LogExpired(ILogger logger, string id, string owner, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notebook expiry pass failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
