using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Cli.Commands.Etl;

/// <summary>
/// <c>research etl schedule</c>: the cluster's ETL schedule of a dataset (<see cref="IEtlScheduleGrain"/>): show it, set
/// it (<c>--cron</c>), run it now or remove it. The schedule lives in grain state and runs from a durable reminder.
/// </summary>
internal static class ScheduleCommand
{
    public static Command Create(CliOutput output)
    {
        var options = new FetcherOptions();
        var dataset = EtlCommand.Dataset(required: true);
        var cron = new Option<string?>("--cron") { Description = "Set the schedule: a five-field cron expression (minute hour day-of-month month day-of-week), e.g. '30 18 * * 1-5'." };
        var zone = new Option<string>("--time-zone") { Description = "The cron's time zone (IANA name).", DefaultValueFactory = _ => "America/New_York" };
        var from = CliOptions.OptionalDate("--from", "First date each run loads from (with --cron).");
        var partial = new Option<bool>("--allow-partial") { Description = "With --cron: load the symbols that were fetched when some failed." };
        var remove = new Option<bool>("--remove") { Description = "Remove the schedule." };
        var runNow = new Option<bool>("--run-now") { Description = "Run the schedule now." };
        var command = new Command("schedule", "Show, set (--cron), run now or remove a dataset's ETL schedule on the cluster (a durable reminder runs it).")
        {
            dataset, cron, zone, from, partial, remove, runNow, ClusterOptions.Gateway,
        };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(dataset)!;
            var actions = new[] { parse.GetValue(cron) is not null, parse.GetValue(remove), parse.GetValue(runNow) }.Count(a => a);
            if (actions > 1)
            {
                throw new CliException("Give at most one of --cron, --remove and --run-now (none shows the schedule).");
            }

            EtlSchedule? schedule = null;
            if (parse.GetValue(cron) is { } expression)
            {
                var configuration = CliConfiguration.Build(parse);
                var source = EtlCommand.DefaultSource(target, parse.GetValue(options.Source)) ?? options.Settings(parse, configuration).Chain;
                schedule = new EtlSchedule(expression, options.SymbolList(parse), parse.GetValue(from) ?? throw new CliException("--cron needs --from (the first date each run loads from)."),
                    source, parse.GetValue(partial), parse.GetValue(zone)!, Environment.UserName);
            }

            await using var connection = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "use 'research etl run' to load once in this process").ConfigureAwait(false);
            var grain = connection.Client.GetGrain<IEtlScheduleGrain>(target);
            var calls = new CliRideThrough(output, TimeProvider.System);
            EtlScheduleStatus status;
            try
            {
                status = schedule is not null ? await calls.CallAsync(() => grain.SetAsync(schedule), "setting the schedule", ct).ConfigureAwait(false)
                    : parse.GetValue(remove) ? await calls.CallAsync(grain.RemoveAsync, "removing the schedule", ct).ConfigureAwait(false)
                    : parse.GetValue(runNow) ? await calls.CallAsync(grain.RunNowAsync, "starting a run", ct).ConfigureAwait(false)
                    : await calls.CallAsync(grain.GetStatusAsync, "reading the schedule", ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new CliException(e.Message, e);
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(status);
                return ExitCodes.Ok;
            }

            var s = status.Schedule;
            output.Out.WriteLine(s is null
                ? $"{target}: no ETL schedule."
                : string.Create(CultureInfo.InvariantCulture, $"{target}: '{s.Cron}' ({s.TimeZone}), {s.Symbols.Count} symbol(s) from {s.From:yyyy-MM-dd}, source {s.Source}{(s.AllowPartial ? ", partial loads allowed" : string.Empty)}; next run {status.NextRunAt:yyyy-MM-dd HH:mm} UTC"));
            if (status.LastRun is { } run)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"last run ({run.Trigger}): {run.Outcome}, started {run.Started:yyyy-MM-dd HH:mm:ss} UTC{(run.Version is null ? string.Empty : $", published {run.Version} ({run.NewRows} new rows, through {run.Watermark})")}{(run.Error is null ? string.Empty : $"; {run.Error}")}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
