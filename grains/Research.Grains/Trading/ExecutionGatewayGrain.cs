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
    BrokerAdapters brokers,
    TimeProvider clock,
    TradingOptions options,
    ILocalSiloDetails silo,
    TradingMetrics metrics,
    IStepUpVerifier stepUp,
    ILogger<ExecutionGatewayGrain> logger) : Grain, IExecutionGatewayGrain
{
    private string Account => this.GetPrimaryKeyString();

    private GatewayState S => state.State;

    private DateTimeOffset? _riskReported;

    /// <summary>The account's external broker (Alpaca), or null on the paper broker.</summary>
    private IBrokerAdapter? Broker => brokers.For(Account);

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

        var broker = Broker;
        var quote = blocked is null && broker is null ? await Task.Run(() => quotes.Find(request.Symbol)).ConfigureAwait(true) : null;
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
            if (broker is not null)
            {
                // Stored before it is sent: after a lost reply or a dead silo the order is found here and asked of the
                // broker by its client order id, which the broker keeps unique.
                record.Reason = $"sent to {broker.Name}";
                await state.WriteOrDropAsync(this).ConfigureAwait(true);
                await AskBrokerAsync(broker, record).ConfigureAwait(true);
            }
            else if (quote is not null && BreakerRules.Stale(options.Limits, request.Symbol, quote.AsOf, now) is { } stale)
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

        var cancelled = trips.Count > 0 ? await CancelOpenAsync(_ => true, "account breaker tripped: " + trips[0].Reason, now).ConfigureAwait(true) : [];
        ReportRisk(now);
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
        var fillMark = S.LastFill;
        var effects = new List<ControlEffect>();
        var ids = cancels.Where(c => c.IsOpen).Select(c => c.Request.ClientOrderId).ToHashSet(StringComparer.Ordinal);
        foreach (var record in await CancelOpenAsync(o => ids.Contains(o.Request.ClientOrderId), $"cancelled by {by} ({WireNames.Of(control.Kind)}): {why}", now).ConfigureAwait(true))
        {
            effects.Add(Cancelled(record, record.Reason));
        }

        var number = ++S.LastControl;
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync(cancels, fillMark).ConfigureAwait(true);
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

        var fillMark = S.LastFill;
        await CancelOpenAsync(o => o == record, "cancelled: " + why, clock.GetUtcNow()).ConfigureAwait(true);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync([record], fillMark).ConfigureAwait(true);
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
                changed.AddRange(await CancelOpenAsync(o => o.Request.Strategy == strategy, blocked, now).ConfigureAwait(true));
            }
        }

        var broker = Broker;
        foreach (var record in open.Where(o => o.IsOpen))
        {
            var before = (record.Filled, record.Status);
            if (broker is not null)
            {
                await AskBrokerAsync(broker, record).ConfigureAwait(true);
            }
            else
            {
                Execute(record, await Task.Run(() => quotes.Find(record.Request.Symbol)).ConfigureAwait(true), now);
            }

            if ((record.Filled, record.Status) != before)
            {
                changed.Add(record);
            }
        }

        if (broker is not null)
        {
            await MarkAtBrokerAsync(broker).ConfigureAwait(true);
        }
        else
        {
            foreach (var symbol in S.Book.Positions.Keys.ToList())
            {
                if (await Task.Run(() => quotes.Find(symbol)).ConfigureAwait(true) is { } quote)
                {
                    S.Book.Mark(symbol, quote.Price);
                }
            }
        }

        S.PeakEquity = Math.Max(S.PeakEquity, S.Book.Equity);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
        await PublishAsync(changed, fillMark).ConfigureAwait(true);
        ReportRisk(now);
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

    public async Task<ReconciliationView> ReconcileAsync()
    {
        await OpenAsync().ConfigureAwait(true);
        var book = S.Book.Positions.Where(p => p.Value.Quantity != 0).ToDictionary(p => p.Key, p => p.Value.Quantity, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        IReadOnlyDictionary<string, long> other;
        string against;
        if (Broker is { } broker)
        {
            against = broker.Name;
            try
            {
                other = (await broker.PositionsAsync().ConfigureAwait(true)).Where(p => p.Quantity != 0).ToDictionary(p => p.Symbol, p => p.Quantity, StringComparer.Ordinal);
            }
            catch (BrokerUnavailableException e)
            {
                return new ReconciliationView(Account, against, now, book.Count, [], $"{broker.Name} could not be asked for its positions: {e.Message}");
            }
        }
        else
        {
            (against, other) = ("fills", PositionReconciliation.FromFills(S.Fills));
        }

        var breaks = PositionReconciliation.Compare(book, other);
        if (breaks.Count > 0)
        {
            LogBreaks(logger, Account, against, breaks.Count, string.Join(", ", breaks.Select(b => $"{b.Symbol} {b.Book}/{b.Broker}")));
        }

        return new ReconciliationView(Account, against, now, book.Keys.Union(other.Keys).Count(), [.. breaks.Select(b => new PositionBreakView(b.Symbol, b.Book, b.Broker, b.Difference))], null);
    }

    public async Task OnBreakerTrippedAsync(string scope, string reason)
    {
        var parsed = BreakerScope.Parse(scope);
        var fillMark = S.LastFill;
        var cancelled = await CancelOpenAsync(o => parsed.Kind != BreakerScopeKind.Strategy || o.Request.Strategy == parsed.Name, $"breaker {scope} tripped: {reason}", clock.GetUtcNow()).ConfigureAwait(true);
        if (cancelled.Count > 0)
        {
            await state.WriteOrDropAsync(this).ConfigureAwait(true);
            await PublishAsync(cancelled, fillMark).ConfigureAwait(true);
        }
    }

    private async Task OpenAsync()
    {
        if (S.Opened)
        {
            return;
        }

        var cash = options.InitialCash;
        if (Broker is { } broker)
        {
            try
            {
                cash = (await broker.BalanceAsync().ConfigureAwait(true)).Cash;
            }
            catch (BrokerUnavailableException e)
            {
                throw new InvalidOperationException($"account {Account} trades at {broker.Name} and opens with the broker's cash, which could not be read: {e.Message}", e);
            }
        }

        S.Book.Cash = cash;
        (S.PeakEquity, S.DayStartEquity, S.Day, S.Opened) = (cash, cash, Today(clock.GetUtcNow()), true);
        await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).RegisterAsync(Account).ConfigureAwait(true);
        await state.WriteOrDropAsync(this).ConfigureAwait(true);
    }

    /// <summary>
    /// Tells the alert rules the account's drawdown from its peak, its loss since the day's start (fractions of equity,
    /// positive = down) and its largest position's and its gross exposure's share of equity, at most once a minute (the latest values; a rule
    /// sees a breach within a minute). Not awaited: an order never waits for the alert service.
    /// </summary>
    private void ReportRisk(DateTimeOffset now)
    {
        if (_riskReported is { } last && now - last < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _riskReported = now;
        var equity = S.Book.Equity;
        var alerts = GrainFactory.GetGrain<Research.Grains.Abstractions.Alerts.IAlertGrain>(0);
        var subject = BreakerScope.Account(Account).Key;
        foreach (var (condition, value) in new[]
        {
            ("drawdown", S.PeakEquity > 0 ? 1 - (equity / S.PeakEquity) : 0),
            ("daily-loss", S.DayStartEquity > 0 ? 1 - (equity / S.DayStartEquity) : 0),
            ("position-limit", equity > 0 ? S.Book.LargestPosition / equity : 0),
            ("gross-exposure", equity > 0 ? S.Book.GrossExposure / equity : 0),
        })
        {
            alerts.ObserveAsync(new Research.Grains.Abstractions.Alerts.AlertObservationView(condition, subject, value, now,
                string.Create(CultureInfo.InvariantCulture, $"equity {equity:N2}, peak {S.PeakEquity:N2}, day start {S.DayStartEquity:N2}"))).Ignore();
        }
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

    /// <summary>
    /// Cancels the open orders <paramref name="covered"/> names. On the paper broker they end here; at an external
    /// broker the cancel is asked of it, and an order stays open (marked <see cref="OrderRecord.CancelRequested"/>,
    /// asked again on every work) until the broker confirms: a trip must not leave a live order behind.
    /// </summary>
    private async Task<List<OrderRecord>> CancelOpenAsync(Func<OrderRecord, bool> covered, string reason, DateTimeOffset now)
    {
        var cancelled = S.Orders.Values.Where(o => o.IsOpen && covered(o)).ToList();
        var broker = Broker;
        foreach (var record in cancelled)
        {
            if (broker is null)
            {
                End(record, OrderStatus.Cancelled, reason, now);
            }
            else
            {
                record.CancelRequested ??= reason;
                await AskBrokerAsync(broker, record).ConfigureAwait(true);
            }
        }

        return cancelled;
    }

    /// <summary>
    /// Brings an order at the external broker up to date: sends a cancel when one is asked, sends the order when the
    /// broker has not answered for it yet (idempotent by client order id), else reads it; then applies the answer. An
    /// unreachable broker leaves the order as it is, with the reason, for the next work.
    /// </summary>
    private async Task AskBrokerAsync(IBrokerAdapter broker, OrderRecord record)
    {
        var id = record.Request.ClientOrderId;
        try
        {
            var answer = record.CancelRequested is not null ? await broker.CancelAsync(id).ConfigureAwait(true)
                : record.BrokerOrderId is null ? await broker.SubmitAsync(record.Request).ConfigureAwait(true)
                : await broker.FindAsync(id).ConfigureAwait(true);
            var now = clock.GetUtcNow();
            if (answer is not null)
            {
                Apply(broker, record, answer, now);
            }
            else if (record.CancelRequested is { } why)
            {
                End(record, OrderStatus.Cancelled, why + $" (never placed at {broker.Name})", now);
            }
            else
            {
                (record.Reason, record.UpdatedAt) = ($"{broker.Name} has no order {id} any more; reconcile the account", now);
            }
        }
        catch (BrokerUnavailableException e)
        {
            (record.Reason, record.UpdatedAt) = ($"{(record.CancelRequested is null ? "waiting for" : "cancel not yet confirmed by")} {broker.Name}, asked again on the next work: {e.Message}", clock.GetUtcNow());
            LogBroker(logger, e, Account, broker.Name, id);
        }
    }

    /// <summary>
    /// Applies the broker's view of an order: the filled shares beyond those recorded become one fill at the price
    /// that makes the recorded average equal the broker's (no cost: Alpaca charges no commission), then its status.
    /// </summary>
    private void Apply(IBrokerAdapter broker, OrderRecord record, BrokerOrder answer, DateTimeOffset now)
    {
        if (answer.BrokerOrderId.Length > 0)
        {
            record.BrokerOrderId = answer.BrokerOrderId;
        }

        var more = answer.FilledQuantity - record.Filled;
        if (more > 0)
        {
            var request = record.Request;
            var price = ((answer.AverageFillPrice * answer.FilledQuantity) - (record.AveragePrice * record.Filled)) / more;
            var fill = new Fill(++S.LastFill, request.ClientOrderId, request.Symbol, request.Side, more, price, 0, now, request.Strategy);
            S.Fills.Add(fill);
            S.Book.Apply(fill);
            (record.Filled, record.AveragePrice) = (answer.FilledQuantity, answer.AverageFillPrice);
        }

        (record.Status, record.Reason) = answer.Status switch
        {
            BrokerOrderStatus.Filled => (OrderStatus.Filled, null),
            BrokerOrderStatus.Cancelled => (OrderStatus.Cancelled, record.CancelRequested ?? answer.Reason),
            BrokerOrderStatus.Rejected => (record.Filled > 0 ? OrderStatus.Cancelled : OrderStatus.Rejected, answer.Reason),
            _ => (record.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Open,
                record.CancelRequested is { } why ? $"cancel sent to {broker.Name}, not yet confirmed: {why}" : null),
        };
        record.UpdatedAt = now;
    }

    /// <summary>Marks the book at the broker's current prices (an unreachable broker leaves the last marks).</summary>
    private async Task MarkAtBrokerAsync(IBrokerAdapter broker)
    {
        try
        {
            foreach (var position in await broker.PositionsAsync().ConfigureAwait(true))
            {
                if (position.MarketPrice is { } price && price > 0)
                {
                    S.Book.Mark(position.Symbol, price);
                }
            }
        }
        catch (BrokerUnavailableException e)
        {
            LogBroker(logger, e, Account, broker.Name, "positions");
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: {Breaks} position(s) differ from {Against}: {List}")]
    private static partial void LogBreaks(ILogger logger, string account, string against, int breaks, string list);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: broker {Broker} unavailable for {What}")]
    private static partial void LogBroker(ILogger logger, Exception exception, string account, string broker, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: rule {Rule} fired: {Reason}")]
    private static partial void LogRule(ILogger logger, string account, string rule, string reason);
}
