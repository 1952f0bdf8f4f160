using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Research.Grains.Abstractions.Trading;

namespace Research.TradingService;

/// <summary>
/// Follows an account's fills through its stream and mirrors each onto another account. The position in the stream is
/// the last fill sequence handled: a gap (an event lost with a silo, a subscription lost with its silo) is read from the
/// gateway's fills, which are the record, and a poll every few seconds catches up even without events. Before each
/// order it checks the breakers over the mirror account (global, the account's, <c>strategy:mirror</c>): a tripped one
/// blocks it and it says so; the gateway would refuse the order anyway, the service does not even send it. Its order
/// ids are derived from the followed fill, so a restart or a retry never mirrors a fill twice.
/// </summary>
public sealed partial class FillMirror(IClusterClient cluster, MirrorSettings settings, TimeProvider clock, ILogger<FillMirror> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(3);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _last;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var followed = cluster.GetGrain<IExecutionGatewayGrain>(settings.Follow);
        var fills = await followed.FillsAsync(0, 10_000).ConfigureAwait(false);
        _last = fills.Length == 0 ? 0 : fills[^1].Sequence; // follow new fills only
        var stream = cluster.GetStreamProvider(TradingStreams.Provider).GetStream<TradingEvent>(StreamId.Create(TradingStreams.Namespace, settings.Follow));
        var subscription = await stream.SubscribeAsync((e, _) => OnEventAsync(e, stoppingToken)).ConfigureAwait(false);
        Emit(new { @event = "ready", follow = settings.Follow, mirrorTo = settings.MirrorTo, after = _last });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Poll, clock, stoppingToken).ConfigureAwait(false);
                await CatchUpAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await subscription.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private async Task OnEventAsync(TradingEvent e, CancellationToken cancellationToken)
    {
        if (e.Order is { } order)
        {
            Emit(new { @event = "order", account = e.Account, id = order.Ticket.ClientOrderId, status = order.Status, filled = order.Filled });
        }

        if (e.Fill is { } fill && fill.Sequence > _last)
        {
            await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Handles every fill after the last one handled, in order, from the gateway's record.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fills = await cluster.GetGrain<IExecutionGatewayGrain>(settings.Follow).FillsAsync(_last, 1_000).ConfigureAwait(false);
            foreach (var fill in fills)
            {
                await MirrorAsync(fill).ConfigureAwait(false);
                _last = fill.Sequence;
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogUnreachable(logger, e, settings.Follow); // the next poll tries again from the same fill
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task MirrorAsync(FillView fill)
    {
        Emit(new { @event = "fill", account = settings.Follow, sequence = fill.Sequence, id = fill.ClientOrderId, side = fill.Side.ToString().ToLowerInvariant(), quantity = fill.Quantity, symbol = fill.Symbol, price = fill.Price });
        var quantity = (long)Math.Floor(fill.Quantity * settings.Ratio);
        if (quantity <= 0)
        {
            Emit(new { @event = "skipped", sequence = fill.Sequence, why = "rounds to 0 shares" });
            return;
        }

        foreach (var scope in new[] { "global", "account:" + settings.MirrorTo, "strategy:" + MirrorSettings.Strategy })
        {
            var breaker = await cluster.GetGrain<ICircuitBreakerGrain>(scope).GetAsync().ConfigureAwait(false);
            if (breaker.Tripped)
            {
                Emit(new { @event = "blocked", sequence = fill.Sequence, breaker = scope, reason = breaker.Reason });
                return;
            }
        }

        var ticket = new OrderTicket($"mirror-{settings.Follow}-{fill.Sequence}", fill.Symbol, fill.Side, quantity, null, MirrorSettings.Strategy);
        var answer = await cluster.GetGrain<IExecutionGatewayGrain>(settings.MirrorTo).SubmitAsync(ticket).ConfigureAwait(false);
        Emit(new { @event = "mirrored", sequence = fill.Sequence, account = settings.MirrorTo, id = ticket.ClientOrderId, status = answer.Status, filled = answer.Filled, reason = answer.Reason });
    }

    private static void Emit(object line) => Console.Out.WriteLine(JsonSerializer.Serialize(line, Json));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway of {Account} did not answer; the next poll tries again")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string account);
}
