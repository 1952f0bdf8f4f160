using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// The ETL schedule of one dataset (key: <c>prices/daily</c> or <c>yahoo/daily</c>): kept in grain state and run by a
/// durable reminder, so a schedule outlives the silo it was set on. The data sync dashboard reads it.
/// </summary>
[Alias("research.warehouse.etlschedule")]
public interface IEtlScheduleGrain : IGrainWithStringKey
{
    /// <summary>Sets (or replaces) the schedule; a bad cron expression, time zone, symbol list or source is refused naming it.</summary>
    [Alias("set")]
    [RequiresAction(ResearchActions.WarehouseSync)]
    Task<EtlScheduleStatus> SetAsync(EtlSchedule schedule);

    /// <summary>Removes the schedule (a run in progress finishes).</summary>
    [Alias("remove")]
    [RequiresAction(ResearchActions.WarehouseSync)]
    Task<EtlScheduleStatus> RemoveAsync();

    /// <summary>Starts a run of the schedule now (refused while one runs or without a schedule).</summary>
    [Alias("run-now")]
    [RequiresAction(ResearchActions.WarehouseSync)]
    Task<EtlScheduleStatus> RunNowAsync();

    /// <summary>The schedule, its next run and the current or last run.</summary>
    [Alias("status")]
    [RequiresAction(ResearchActions.OverviewView)]
    Task<EtlScheduleStatus> GetStatusAsync();
}
