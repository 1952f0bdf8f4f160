using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Reports;
using Research.Grains.Abstractions.Security;
using Research.Grains.Hosting;
using Research.Platform.Storage.Audit;

namespace Research.Grains.Reports;

/// <summary>
/// Runs the report schedules (<see cref="IReportScheduleGrain"/>, one grain keyed <c>reports</c>). Orchestration only:
/// 1. <c>SetAsync</c> checks a schedule (cron, zone, template, subject, channels), stores it in grain state and
///    registers the durable reminder <c>reports</c> (every minute), so schedules outlive any one silo; every change is audited.
/// 2. Each tick records finished runs, then, for each schedule whose next cron occurrence after the last one served
///    (or after it was set) has passed, starts a run off the Orleans scheduler (<see cref="ReportServices.MakeAsync"/>):
///    build, print, archive, send. Occurrences missed while no silo was up are served once, not once each.
/// 3. A run lost with its silo is marked interrupted on the next activation and its occurrence is due again.
/// 4. With no schedule left the reminder is removed.
/// </summary>
public sealed class ReportScheduleGrain(
    [PersistentState("report-schedules", GrainStorageNames.Research)] IPersistentState<ReportScheduleState> state,
    ReportServices reports,
    TimeProvider clock,
    Research.Platform.Storage.Security.SecurityStorage security,
    ILogger<ReportScheduleGrain> logger) : Grain, IReportScheduleGrain, IRemindable
{
    /// <summary>The reminder's name; it ticks every <see cref="WakeReminder.Period"/>.</summary>
    public const string ReminderName = "reports";

    private readonly Dictionary<string, Task<ReportRunSummary>> _work = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var lost = state.State.Schedules.Values.Where(s => s.LastRun is { Outcome: "running" }).ToList();
        foreach (var entry in lost)
        {
            logger.LogWarning("Report schedule {Name}: the run started {Started} was lost with its silo; it runs again at the next tick", entry.Schedule.Name, entry.LastRun!.Started);
            entry.LastRun = entry.LastRun with { Outcome = "interrupted", Finished = clock.GetUtcNow(), Error = "The silo running it stopped; the next tick runs it again." };
            entry.LastServed = entry.PreviousServed;
        }

        if (lost.Count > 0)
        {
            await state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }

        // In-memory reminders (the Development profile) do not survive a restart: the schedules in state bring theirs back.
        if (state.State.Schedules.Count > 0)
        {
            try
            {
                await this.RegisterOrUpdateReminder(ReminderName, WakeReminder.Period, WakeReminder.Period, cancellationToken).ConfigureAwait(true);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                logger.LogWarning(e, "Report schedules: the reminder could not be registered on activation; the next change or call tries again");
            }
        }

        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    public async Task<ReportScheduleStatus> SetAsync(ReportSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var name = schedule.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"name: '{schedule.Name}' must be 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        _ = CronOccurrences.Parse(schedule.Cron, schedule.TimeZone);
        var subject = string.IsNullOrWhiteSpace(schedule.Subject) ? null : schedule.Subject.Trim();
        var channels = schedule.Channels.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _ = await reports.CheckAsync(schedule.Template, subject, channels).ConfigureAwait(true);
        var stored = schedule with { Name = name, Subject = subject, Channels = channels, RequestedBy = CallerIdentity.Current?.Actor ?? schedule.RequestedBy };
        state.State.Schedules[name] = new ScheduledReport { Schedule = stored, SetAt = clock.GetUtcNow(), LastRun = state.State.Schedules.GetValueOrDefault(name)?.LastRun };
        await state.WriteStateAsync().ConfigureAwait(true);
        await this.RegisterOrUpdateReminder(ReminderName, WakeReminder.Period, WakeReminder.Period).ConfigureAwait(true);
        await AuditAsync("reports.schedule.set", name, $"{stored.Template}{(subject is null ? string.Empty : " " + subject)} '{stored.Cron}' ({stored.TimeZone}) to {(channels.Length == 0 ? "the archive only" : string.Join(", ", channels))}").ConfigureAwait(true);
        return Status(state.State.Schedules[name]);
    }

    public async Task<bool> RemoveAsync(string name)
    {
        if (!state.State.Schedules.Remove(name ?? string.Empty))
        {
            return false;
        }

        await state.WriteStateAsync().ConfigureAwait(true);
        if (state.State.Schedules.Count == 0 && await this.GetReminder(ReminderName).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }

        await AuditAsync("reports.schedule.remove", name!, null).ConfigureAwait(true);
        return true;
    }

    public async Task<ReportScheduleStatus> RunNowAsync(string name)
    {
        await HarvestAsync().ConfigureAwait(true);
        var entry = state.State.Schedules.GetValueOrDefault(name ?? string.Empty) ?? throw new ArgumentException($"there is no report schedule '{name}' (see research reports schedule).");
        if (_work.ContainsKey(entry.Schedule.Name))
        {
            throw new InvalidOperationException($"Report schedule {entry.Schedule.Name} is already running (started {entry.LastRun?.Started:u}).");
        }

        await StartAsync(entry, $"schedule {entry.Schedule.Name}, run by {CallerIdentity.Current?.Actor ?? "hand"}", occurrence: null).ConfigureAwait(true);
        await AuditAsync("reports.schedule.run", entry.Schedule.Name, "started by hand").ConfigureAwait(true);
        return Status(entry);
    }

    public async Task<ReportScheduleStatus[]> ListAsync()
    {
        await HarvestAsync().ConfigureAwait(true);
        return [.. state.State.Schedules.Values.OrderBy(s => s.Schedule.Name, StringComparer.Ordinal).Select(Status)];
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await HarvestAsync().ConfigureAwait(true);
        var now = clock.GetUtcNow();
        foreach (var entry in state.State.Schedules.Values.Where(e => !_work.ContainsKey(e.Schedule.Name)).ToList())
        {
            if (CronOccurrences.LastDue(entry.Schedule.Cron, entry.Schedule.TimeZone, entry.LastServed ?? entry.SetAt, now) is { } due)
            {
                await StartAsync(entry, "schedule " + entry.Schedule.Name, due).ConfigureAwait(true);
            }
        }
    }

    private static ReportScheduleStatus Status(ScheduledReport entry) =>
        new(entry.Schedule, CronOccurrences.Next(entry.Schedule.Cron, entry.Schedule.TimeZone, entry.LastServed ?? entry.SetAt), entry.LastRun);

    private async Task StartAsync(ScheduledReport entry, string trigger, DateTimeOffset? occurrence)
    {
        if (occurrence is not null)
        {
            entry.PreviousServed = entry.LastServed;
            entry.LastServed = occurrence;
        }

        var started = clock.GetUtcNow();
        entry.LastRun = new ReportRunSummary(started, null, "running", null, null, trigger);
        await state.WriteStateAsync().ConfigureAwait(true);
        var schedule = entry.Schedule;
        _work[schedule.Name] = Task.Run(() => RunAsync(schedule, started, trigger));
    }

    private async Task<ReportRunSummary> RunAsync(ReportSchedule schedule, DateTimeOffset started, string trigger)
    {
        try
        {
            var report = await reports.MakeAsync(schedule.Template, schedule.Subject, schedule.Channels, trigger, schedule.RequestedBy).ConfigureAwait(true);
            var failed = report.Deliveries.Where(d => !d.Delivered).Select(d => $"{d.Channel}: {d.Reason}").ToList();
            return new ReportRunSummary(started, clock.GetUtcNow(), "archived", report.Id, failed.Count == 0 ? report.PdfError : string.Join("; ", [.. failed, .. report.PdfError is null ? Array.Empty<string>() : [report.PdfError]]), trigger);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Report schedule {Name} failed", schedule.Name);
            return new ReportRunSummary(started, clock.GetUtcNow(), "failed", null, e.Message, trigger);
        }
    }

    /// <summary>Records finished runs (audited: the scheduled report's id, or why it failed).</summary>
    private async Task HarvestAsync()
    {
        var done = _work.Where(w => w.Value.IsCompleted).ToList();
        foreach (var (name, task) in done)
        {
            _work.Remove(name);
            var run = await task.ConfigureAwait(true);
            if (state.State.Schedules.TryGetValue(name, out var entry))
            {
                entry.LastRun = run;
            }

            await security.Audit.AppendAsync(new AuditEntry("scheduler", "reports.schedule.ran", name, run.Outcome == "failed" ? "failed" : "ok", null, null,
                run.ReportId is null ? run.Error : $"report {run.ReportId}{(run.Error is null ? string.Empty : "; " + run.Error)}")).ConfigureAwait(true);
        }

        if (done.Count > 0)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
    }

    private async Task AuditAsync(string action, string target, string? detail) =>
        await security.Audit.AppendAsync(new AuditEntry(CallerIdentity.Current?.Actor ?? "cluster", action, target, "ok", null, CallerIdentity.Current?.Origin, detail)).ConfigureAwait(true);
}
