using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Backtests;

/// <summary>
/// One open page's subscription to one job: the job grain pushes every state change and progress tick to this observer
/// (<see cref="IBacktestJobObserver"/>), which hands it to the page. The grain forgets an observer a minute after its
/// last subscription, so the watch renews every <see cref="Renewal"/> (each renewal goes through the action check again,
/// so an ended session stops receiving, and re-subscribes to the job's new activation after a silo loss); disposing it
/// unsubscribes and releases the reference. Pushes are one-way
/// messages and can arrive out of order (a progress tick taken before a cancellation was seen arriving after it), so a
/// finished status is final: nothing after it is passed on.
/// </summary>
public sealed class JobWatch : IBacktestJobObserver, IAsyncDisposable
{
    /// <summary>How often the subscription is renewed (the grain keeps observers for a minute).</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(20);

    private readonly IClusterClient _cluster;
    private readonly Func<Func<Task>, Task> _checked;
    private readonly Action<BacktestJobStatus> _onChange;
    private readonly IBacktestJobGrain _job;
    private IBacktestJobObserver? _reference;
    private ITimer? _renew;
    private int _disposed;
    private int _final;

    internal JobWatch(IClusterClient cluster, string jobId, Func<Func<Task>, Task> checkedCall, Action<BacktestJobStatus> onChange)
    {
        _cluster = cluster;
        _checked = checkedCall;
        _onChange = onChange;
        _job = cluster.GetGrain<IBacktestJobGrain>(jobId);
        JobId = jobId;
    }

    public string JobId { get; }

    /// <inheritdoc />
    public void OnStatusChanged(BacktestJobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (Volatile.Read(ref _disposed) != 0 || (status.IsFinished ? Interlocked.Exchange(ref _final, 1) : Volatile.Read(ref _final)) != 0)
        {
            return;
        }

        _onChange(status);
    }

    internal async Task StartAsync(TimeProvider clock)
    {
        _reference = _cluster.CreateObjectReference<IBacktestJobObserver>(this);
        await _checked(() => _job.SubscribeAsync(_reference)).ConfigureAwait(false);
        _renew = clock.CreateTimer(_ => _ = RenewAsync(), null, Renewal, Renewal);
    }

    private async Task RenewAsync()
    {
        try
        {
            await _checked(() => _job.SubscribeAsync(_reference!)).ConfigureAwait(false);
        }
        catch (ActionDeniedException)
        {
            // The session ended: stop renewing.
            _renew?.Dispose();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // A silo was lost (the job resumes on another): keep renewing, so the next renewal subscribes to the job's new
            // activation and the page receives its pushes again; the page's own refresh shows the job meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _renew?.Dispose();
        if (_reference is not null)
        {
            try
            {
                await _checked(() => _job.UnsubscribeAsync(_reference)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ActionDeniedException or OrleansException or TimeoutException)
            {
                // The grain drops the observer a minute after its last renewal anyway.
            }

            _cluster.DeleteObjectReference<IBacktestJobObserver>(_reference);
        }
    }
}
