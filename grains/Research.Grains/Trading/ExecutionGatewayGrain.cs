using System.Globalization;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Trading.Accounts;
using Research.Trading.Breakers;
using Research.Trading.Brokers;
using Research.Trading.Orders;

namespace Research.Grains.Trading;

/// <summary>A gateway's persisted state: the book, every order by client order id, the fills, counters and what the rules read.</summary>
public sealed class GatewayState
{
    public bool Opened { get; set; }

    public AccountBook Book { get; set; } = new();

    public Dictionary<string, OrderRecord> Orders { get; set; } = new(StringComparer.Ordinal);

    public List<Fill> Fills { get; set; } = [];

    public long LastOrder { get; set; }

    public long LastFill { get; set; }

    /// <summary>Manual controls applied (numbers their orders' client order ids).</summary>
    public long LastControl { get; set; }

    public double PeakEquity { get; set; }

    public DateOnly Day { get; set; }

    public double DayStartEquity { get; set; }

    /// <summary>Whether each of the latest orders the broker saw was rejected (breaker refusals are not counted).</summary>
    public List<bool> Recent { get; set; } = [];
}

/// <summary>
/// An account's execution gateway on the paper broker. One activation per account serialises its orders, so a client
/// order id is looked up and recorded in one turn; the state (order, fill, book) is written before the reply, so a
/// reply received is durable, and a retry after a lost reply or a dead silo finds the order and returns it instead of
/// sending a second. Order path: the id (a repeat returns the first outcome; the same id with another order is an
/// error), the breakers of the order's scopes (a tripped one rejects it, naming the breaker and its reason), the quote
/// (a stale one rejects it and trips the account), the paper broker, then the account rules, which may trip the
/// account's breaker after cancelling the open orders.
/// </summary>
public sealed partial class ExecutionGatewayGrain(
    [PersistentState("gateway", GrainStorageNames.Research)] IPersistentState<GatewayState> state,
    SiloQuotes quotes,
    TimeProvider clock,
    TradingOptions options,
    ILocalSiloDetails silo,
    TradingMetrics metrics,
    IStepUpVerifier stepUp,
    ILogger<ExecutionGatewayGrain> logger) : Grain, IExecutionGatewayGrain
{
    private string Account => this.GetPrimaryKeyString();

    private GatewayState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (BreakerScope.NameProblem(Account) is { } problem)
        {
            throw new ArgumentException($"account name {problem}.");
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<OrderView> SubmitAsync(OrderTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var request = new OrderRequest(ticket.ClientOrderId, ticket.Symbol, ticket.Side == TicketSide.Buy ? OrderSide.Buy : OrderSide.Sell, ticket.Quantity, ticket.LimitPrice, ticket.Strategy);
        if (request.Problem() is { } problem)
        {
            throw new ArgumentException($"order: {problem}.");
        }

        return View((await SubmitCoreAsync(request, riskReducing: false).ConfigureAwait(true)).Record);
    }

    /// <summary>
    /// The order path. <paramref name="riskReducing"/>: a manual close or flatten, which goes through a tripped breaker
    /// (returned as <c>ThroughBreaker</c>, naming it); every other order is rejected by one.
    /// </summary>
    private async Task<(OrderRecord Record, string? ThroughBreaker)> SubmitCoreAsync(OrderRequest request, bool riskReducing)
    {
        var started = clock.GetTimestamp();
        await OpenAsync().ConfigureAwait(true);
        var fillMark = S.LastFill;
        if (S.Orders.TryGetValue(request.ClientOrderId, out var existing))
        {
            return existing.Request == request
                ? (existing, null)
                : throw new ArgumentException($"client order id '{request.ClientOrderId}' already names another order ({Describe(existing.Request)}); use a new id for a new order.");
        }

        // What can fail (a breaker or the warehouse unreachable) is asked before the state changes, so a failure leaves
        // nothing half-done in memory and a retry starts afresh.
        var now = clock.GetUtcNow();
        var blocked = await BlockedAsync(request.Strategy).ConfigureAwait(true);
        string? through = null;
        if (riskReducing && blocked is not null)
        {
            (through, blocked) = (blocked, null);
        }

        var quote = blocked is null ? await Task.Run(() => quotes.Find(request.Symbol)).ConfigureAwait(true) : null;
        RollDay(now);
        var record = new OrderRecord { Request = request, Sequence = ++S.LastOrder, CreatedAt = now, UpdatedAt = now, Status = OrderStatus.Open };
        S.Orders[request.ClientOrderId] = record;
        var trips = new List<BreakerTrip>();
        if (blocked is not null)
        {
            End(record, OrderStatus.Rejected, blocked, now);
        }
        else
        {
            if (quote is not null && BreakerRules.Stale(options.Limits, request.Symbol, quote.AsOf, now) is { } stale)
            {
                End(record, OrderStatus.Rejected, stale.Reason, now);
                trips.Add(stale);
            }
            else
            {
                Execute(record, quote, now);
            }

            S.Recent.Add(record.Status == OrderStatus.Rejected);
            if (S.Recent.Count > options.Limits.ErrorWindow)
            {
                S.Recent.RemoveRange(0, S.Recent.Count - options.Limits.ErrorWindow);
            }

            S.PeakEquity = Math.Max(S.PeakEquity, S.Book.Equity);
            trips.AddRange(BreakerRules.Evaluate(options.Limits, new BreakerMetrics(S.Book.Equity, S.PeakEquity, S.DayStartEquity, S.Recent, S.Book.LargestPosition)));
        }

        var cancelled = trips.Count > 0 ? CancelOpen(_ => true, "account breaker tripped: " + trips[0].Reason, now) : [];
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        metrics.Order(Wire(record.Status), clock.GetElapsedTime(started));
        await PublishAsync([record, .. cancelled], fillMark).ConfigureAwait(true);
        foreach (var trip in trips)
        {
            LogRule(logger, Account, trip.Rule, trip.Reason);
            await GrainFactory.GetGrain<ICircuitBreakerGrain>(BreakerScope.Account(Account).Key).TripByRuleAsync(trip.Rule, trip.Reason).ConfigureAwait(true);
        }

        return (record, through);
    }

    public async Task<ControlOutcome> PreviewControlAsync(ManualControl control)
    {
        await OpenAsync().ConfigureAwait(true);
        var (cancels, orders) = await PlanAsync(control).ConfigureAwait(true);
        var effects = cancels.Select(c => Cancelled(c, null)).Concat(orders.Select(o => new ControlEffect("order", o.Symbol, o.Side, o.Quantity, o.Price, o.Quantity * o.Price, "(on apply)", null, null, null))).ToArray();
        return new ControlOutcome(Account, control, false, effects, Summary(control, effects));
    }

    public async Task<ControlOutcome> ApplyControlAsync(ManualControl control, string reason, string code)
    {
        var why = reason?.Trim() is { Length: > 0 and <= 500 } r ? r : throw new ArgumentException("reason: say why, in 1 to 500 characters.");
        var by = CallerIdentity.Current?.Actor ?? "unknown";
        await OpenAsync().ConfigureAwait(true);
        var (cancels, orders) = await PlanAsync(control).ConfigureAwait(true);
        if (!await stepUp.VerifyAsync(by, code).ConfigureAwait(true))
        {
            throw new InvalidOperationException($"a manual control needs a current code from {by}'s authenticator; nothing was changed.");
        }

        var now = clock.GetUtcNow();
        var effects = new List<ControlEffect>();
        foreach (var record in cancels.Where(c => c.IsOpen))
        {
            End(record, OrderStatus.Cancelled, $"cancelled by {by} ({WireNames.Of(control.Kind)}): {why}", now);
            effects.Add(Cancelled(record, record.Reason));
        }

        var number = ++S.LastControl;
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync(cancels, S.LastFill).ConfigureAwait(true);
        foreach (var o in orders)
        {
            var request = new OrderRequest($"ctl-{number}-{o.Symbol}", o.Symbol, o.Side == TicketSide.Buy ? OrderSide.Buy : OrderSide.Sell, o.Quantity);
            var (record, through) = await SubmitCoreAsync(request, o.Reducing).ConfigureAwait(true);
            effects.Add(new ControlEffect("order", o.Symbol, o.Side, o.Quantity, record.Filled > 0 ? record.AveragePrice : o.Price, o.Quantity * (record.Filled > 0 ? record.AveragePrice : o.Price),
                request.ClientOrderId, Wire(record.Status), record.Reason, through));
        }

        LogControl(logger, Account, WireNames.Of(control.Kind), control.Symbol ?? "*", by, why, effects.Count);
        return new ControlOutcome(Account, control, true, [.. effects], Summary(control, [.. effects]));
    }

    /// <summary>The open orders a control cancels and the orders it sends (at the last price known), checked.</summary>
    private async Task<(List<OrderRecord> Cancels, List<(string Symbol, TicketSide Side, long Quantity, double Price, bool Reducing)> Orders)> PlanAsync(ManualControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        var symbol = control.Symbol?.Trim().ToUpperInvariant();
        if (control.Kind != ControlKind.Flatten && (string.IsNullOrEmpty(symbol) || new OrderRequest("x", symbol, OrderSide.Buy, 1).Problem() is { } _))
        {
            throw new ArgumentException($"symbol: {WireNames.Of(control.Kind)} needs a symbol of 1 to 16 upper-case letters, digits, '.' or '-' (got '{control.Symbol}').");
        }

        if (control.Kind == ControlKind.Adjust && control.TargetQuantity is not (>= -100_000_000 and <= 100_000_000))
        {
            throw new ArgumentException($"target: adjust needs a target position in shares from -100,000,000 to 100,000,000 (got {control.TargetQuantity?.ToString(CultureInfo.InvariantCulture) ?? "none"}).");
        }

        var cancels = S.Orders.Values.Where(o => o.IsOpen && (control.Kind == ControlKind.Flatten || o.Request.Symbol == symbol)).OrderBy(o => o.Sequence).ToList();
        var orders = new List<(string, TicketSide, long, double, bool)>();
        var targets = control.Kind switch
        {
            ControlKind.Flatten => S.Book.Positions.Where(p => p.Value.Quantity != 0).Select(p => (p.Key, 0L)).ToList(),
            ControlKind.Close => [(symbol!, 0L)],
            ControlKind.Adjust => [(symbol!, control.TargetQuantity!.Value)],
            _ => [],
        };
        foreach (var (s, target) in targets.OrderBy(t => t.Item1, StringComparer.Ordinal))
        {
            var held = S.Book.Held(s);
            var delta = target - held;
            if (delta == 0)
            {
                continue;
            }

            var price = S.Book.Positions.TryGetValue(s, out var position) && position.LastPrice > 0 ? position.LastPrice
                : (await Task.Run(() => quotes.Find(s)).ConfigureAwait(true))?.Price ?? 0;
            var reducing = Math.Abs(target) <= Math.Abs(held) && (target == 0 || Math.Sign(target) == Math.Sign(held));
            orders.Add((s, delta > 0 ? TicketSide.Buy : TicketSide.Sell, Math.Abs(delta), price, reducing));
        }

        return (cancels, orders);
    }

    private static ControlEffect Cancelled(OrderRecord r, string? reason) =>
        new("cancel", r.Request.Symbol, r.Request.Side == OrderSide.Buy ? TicketSide.Buy : TicketSide.Sell, r.Remaining, r.Request.LimitPrice ?? 0, 0, r.Request.ClientOrderId, reason is null ? null : "cancelled", reason, null);

    private static string Summary(ManualControl control, ControlEffect[] effects)
    {
        var cancels = effects.Count(e => e.Action == "cancel");
        var orders = effects.Where(e => e.Action == "order").ToList();
        var what = control.Kind switch
        {
            ControlKind.Flatten => "flatten the account",
            ControlKind.Close => $"close {control.Symbol}",
            ControlKind.Adjust => string.Create(CultureInfo.InvariantCulture, $"adjust {control.Symbol} to {control.TargetQuantity:N0} shares"),
            _ => $"cancel the open orders for {control.Symbol}",
        };
        return effects.Length == 0
            ? $"{what}: nothing to do (no open order, no position to change)."
            : string.Create(CultureInfo.InvariantCulture, $"{what}: cancel {cancels} open order(s); ") + (orders.Count == 0 ? "no order." : string.Join("; ", orders.Select(o =>
                string.Create(CultureInfo.InvariantCulture, $"{(o.Side == TicketSide.Buy ? "buy" : "sell")} {o.Quantity:N0} {o.Symbol} at about ${o.Price:N2} (${o.Value:N2})")))) + ".";
    }

    public async Task<OrderView> CancelAsync(string clientOrderId, string reason)
    {
        var why = reason?.Trim() is { Length: > 0 and <= 500 } r ? r : throw new ArgumentException("reason: say why, in 1 to 500 characters.");
        if (!S.Orders.TryGetValue(clientOrderId ?? string.Empty, out var record))
        {
            throw new ArgumentException($"account {Account} has no order '{clientOrderId}'.");
        }

        if (record.Status == OrderStatus.Cancelled)
        {
            return View(record);
        }

        if (!record.IsOpen)
        {
            throw new InvalidOperationException($"order '{clientOrderId}' is {Wire(record.Status)}; only an open order can be cancelled.");
        }

        End(record, OrderStatus.Cancelled, "cancelled: " + why, clock.GetUtcNow());
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync([record], S.LastFill).ConfigureAwait(true);
        return View(record);
    }

    public async Task<OrderView[]> WorkAsync()
    {
        var open = S.Orders.Values.Where(o => o.IsOpen).OrderBy(o => o.Sequence).ToList();
        if (open.Count == 0 && S.Book.Positions.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        RollDay(now);
        var fillMark = S.LastFill;
        var changed = new List<OrderRecord>();
        foreach (var strategy in open.Select(o => o.Request.Strategy).Distinct())
        {
            if (await BlockedAsync(strategy).ConfigureAwait(true) is { } blocked)
            {
                changed.AddRange(CancelOpen(o => o.Request.Strategy == strategy, blocked, now));
            }
        }

        foreach (var record in open.Where(o => o.IsOpen))
        {
            var before = (record.Filled, record.Status);
            Execute(record, await Task.Run(() => quotes.Find(record.Request.Symbol)).ConfigureAwait(true), now);
            if ((record.Filled, record.Status) != before)
            {
                changed.Add(record);
            }
        }

        foreach (var symbol in S.Book.Positions.Keys.ToList())
        {
            if (await Task.Run(() => quotes.Find(symbol)).ConfigureAwait(true) is { } quote)
            {
                S.Book.Mark(symbol, quote.Price);
            }
        }

        S.PeakEquity = Math.Max(S.PeakEquity, S.Book.Equity);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync(changed, fillMark).ConfigureAwait(true);
        return [.. changed.Select(View)];
    }

    public Task<OrderView[]> OrdersAsync(bool openOnly, int limit) =>
        Task.FromResult(S.Orders.Values.Where(o => !openOnly || o.IsOpen).OrderByDescending(o => o.Sequence).Take(Math.Clamp(limit, 1, 10_000)).Select(View).ToArray());

    public Task<FillView[]> FillsAsync(long after, int limit) =>
        Task.FromResult(S.Fills.Where(f => f.Sequence > after).Take(Math.Clamp(limit, 1, 10_000))
            .Select(FillView).ToArray());

    public async Task<TradingAccountView> AccountAsync()
    {
        await OpenAsync().ConfigureAwait(true);
        var b = S.Book;
        return new TradingAccountView(Account, b.Cash, b.Equity, b.RealizedPnl, b.Costs, S.PeakEquity, S.DayStartEquity,
            [.. b.Positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new PositionView(p.Key, p.Value.Quantity, p.Value.AverageCost, p.Value.LastPrice, p.Value.Value))],
            S.Orders.Values.Count(o => o.IsOpen), S.LastOrder, silo.SiloAddress.ToParsableString());
    }

    public async Task OnBreakerTrippedAsync(string scope, string reason)
    {
        var parsed = BreakerScope.Parse(scope);
        var cancelled = CancelOpen(o => parsed.Kind != BreakerScopeKind.Strategy || o.Request.Strategy == parsed.Name, $"breaker {scope} tripped: {reason}", clock.GetUtcNow());
        if (cancelled.Count > 0)
        {
            await state.WriteOrDropAsync(this).ConfigureAwait(true);
            await PublishAsync(cancelled, S.LastFill).ConfigureAwait(true);
        }
    }

    private async Task OpenAsync()
    {
        if (S.Opened)
        {
            return;
        }

        S.Book.Cash = options.InitialCash;
        (S.PeakEquity, S.DayStartEquity, S.Day, S.Opened) = (options.InitialCash, options.InitialCash, Today(clock.GetUtcNow()), true);
        await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).RegisterAsync(Account).ConfigureAwait(true);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
    }

    /// <summary>The first tripped breaker of the order's scopes, as the rejection's reason, or null.</summary>
    private async Task<string?> BlockedAsync(string? strategy)
    {
        var started = clock.GetTimestamp();
        try
        {
            foreach (var scope in BreakerScope.Of(Account, strategy))
            {
                var breaker = await GrainFactory.GetGrain<ICircuitBreakerGrain>(scope.Key).GetAsync().ConfigureAwait(true);
                if (breaker.Tripped)
                {
                    return $"breaker {scope.Key} is tripped: {breaker.Reason}";
                }
            }

            return null;
        }
        finally
        {
            metrics.BreakerCheck(clock.GetElapsedTime(started));
        }
    }

    private void Execute(OrderRecord record, Quote? quote, DateTimeOffset now)
    {
        var execution = PaperBroker.Execute(record, quote, S.Book, options.Broker);
        if (execution.Rejection is { } why)
        {
            End(record, record.Filled == 0 ? OrderStatus.Rejected : OrderStatus.Cancelled, why, now);
            return;
        }

        if (execution.Quantity == 0)
        {
            return;
        }

        var request = record.Request;
        var fill = new Fill(++S.LastFill, request.ClientOrderId, request.Symbol, request.Side, execution.Quantity, execution.Price, execution.Cost, now, request.Strategy);
        S.Fills.Add(fill);
        S.Book.Apply(fill);
        record.AveragePrice = ((record.AveragePrice * record.Filled) + (execution.Price * execution.Quantity)) / (record.Filled + execution.Quantity);
        record.Filled += execution.Quantity;
        record.Costs += execution.Cost;
        record.LastFillQuote = quote!.AsOf;
        record.Status = record.Remaining == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        record.UpdatedAt = now;
    }

    private List<OrderRecord> CancelOpen(Func<OrderRecord, bool> covered, string reason, DateTimeOffset now)
    {
        var cancelled = S.Orders.Values.Where(o => o.IsOpen && covered(o)).ToList();
        foreach (var record in cancelled)
        {
            End(record, OrderStatus.Cancelled, reason, now);
        }

        return cancelled;
    }

    /// <summary>
    /// Publishes the orders that changed and the fills after <paramref name="fillMark"/> on the account's stream, after
    /// the state that carries them is stored. Best effort: a failure is logged, never the order's (followers read gaps
    /// from <see cref="FillsAsync"/>).
    /// </summary>
    private async Task PublishAsync(IEnumerable<OrderRecord> orders, long fillMark)
    {
        try
        {
            var stream = this.GetStreamProvider(TradingStreams.Provider).GetStream<TradingEvent>(StreamId.Create(TradingStreams.Namespace, Account));
            foreach (var order in orders.DistinctBy(o => o.Sequence))
            {
                await stream.OnNextAsync(new TradingEvent(Account, View(order), null)).ConfigureAwait(true);
            }

            var first = S.Fills.Count;
            while (first > 0 && S.Fills[first - 1].Sequence > fillMark)
            {
                first--;
            }

            for (var i = first; i < S.Fills.Count; i++)
            {
                await stream.OnNextAsync(new TradingEvent(Account, null, FillView(S.Fills[i]))).ConfigureAwait(true);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPublish(logger, e, Account);
        }
    }

    private static void End(OrderRecord record, OrderStatus status, string reason, DateTimeOffset now) =>
        (record.Status, record.Reason, record.UpdatedAt) = (status, reason, now);

    private void RollDay(DateTimeOffset now)
    {
        if (Today(now) != S.Day)
        {
            (S.Day, S.DayStartEquity) = (Today(now), S.Book.Equity);
        }
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    private static string Wire(OrderStatus status) => WireNames.Of(status);

    private static string Describe(OrderRequest r) => string.Create(CultureInfo.InvariantCulture,
        $"{(r.Side == OrderSide.Buy ? "buy" : "sell")} {r.Quantity:N0} {r.Symbol}{(r.LimitPrice is { } l ? $" limit {l}" : string.Empty)}{(r.Strategy is { } s ? $" for {s}" : string.Empty)}");

    private static OrderView View(OrderRecord r) =>
        new(r.Sequence, new OrderTicket(r.Request.ClientOrderId, r.Request.Symbol, r.Request.Side == OrderSide.Buy ? TicketSide.Buy : TicketSide.Sell, r.Request.Quantity, r.Request.LimitPrice, r.Request.Strategy),
            Wire(r.Status), r.Filled, r.AveragePrice, r.Costs, r.Reason, r.CreatedAt, r.UpdatedAt);

    private static FillView FillView(Fill f) => new(f.Sequence, f.ClientOrderId, f.Symbol, f.Side == OrderSide.Buy ? TicketSide.Buy : TicketSide.Sell, f.Quantity, f.Price, f.Cost, f.At, f.Strategy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: manual control {Kind} {Symbol} by {By} ({Reason}): {Effects} effect(s)")]
    private static partial void LogControl(ILogger logger, string account, string kind, string symbol, string by, string reason, int effects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: publishing order and fill events failed; followers read the gap from the fills")]
    private static partial void LogPublish(ILogger logger, Exception exception, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: rule {Rule} fired: {Reason}")]
    private static partial void LogRule(ILogger logger, string account, string rule, string reason);
}
