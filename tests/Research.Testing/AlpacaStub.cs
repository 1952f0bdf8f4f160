using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Research.Testing;

/// <summary>
/// A local stand-in for Alpaca's trading API v2 (HttpListener on 127.0.0.1), stateful like the real one: orders by id
/// and client order id (a second order with a taken client order id is refused with Alpaca's 422), cancels,
/// positions made by fills, the account's cash. The test decides what fills (<see cref="FillOrder"/>) and can move a
/// position behind the gateway's back (<see cref="Adjust"/>). Requests without the expected key headers get 401.
/// Faults queued with <see cref="Fail"/> answer the next matching requests first; <see cref="Requests"/> keeps
/// "METHOD path" of each.
/// </summary>
public sealed class AlpacaStub : LocalHttpServer
{
    public const string KeyId = "PKTESTKEY";
    public const string Secret = "test-secret-never-shown";

    private readonly Lock _gate = new();
    private readonly List<JsonObject> _orders = [];
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _prices = new(StringComparer.Ordinal);
    private readonly Queue<(string Method, int Status, string Body)> _faults = new();
    private readonly List<string> _requests = [];
    private double _cash;

    public AlpacaStub(double cash = 100_000)
    {
        _cash = cash;
        Start();
    }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int Count(string methodAndPathPrefix) => Requests.Count(r => r.StartsWith(methodAndPathPrefix, StringComparison.Ordinal));

    /// <summary>The orders as Alpaca holds them (copies).</summary>
    public IReadOnlyList<JsonObject> Orders
    {
        get
        {
            lock (_gate)
            {
                return [.. _orders.Select(o => (JsonObject)o.DeepClone())];
            }
        }
    }

    /// <summary>Answers the next request with this method ("POST", "GET", "DELETE", or "*" for any) with a status and body.</summary>
    public AlpacaStub Fail(string method, int status, string body = """{"message":"internal server error"}""")
    {
        lock (_gate)
        {
            _faults.Enqueue((method, status, body));
        }

        return this;
    }

    /// <summary>Sets the price positions are marked at.</summary>
    public AlpacaStub Price(string symbol, double price)
    {
        lock (_gate)
        {
            _prices[symbol] = price;
        }

        return this;
    }

    /// <summary>Fills <paramref name="quantity"/> more shares of the order at <paramref name="price"/> (partial until the whole quantity has filled).</summary>
    public void FillOrder(string clientOrderId, long quantity, double price)
    {
        lock (_gate)
        {
            var order = _orders.Single(o => (string?)o["client_order_id"] == clientOrderId);
            var before = long.Parse((string)order["filled_qty"]!, CultureInfo.InvariantCulture);
            var average = order["filled_avg_price"] is null ? 0 : double.Parse((string)order["filled_avg_price"]!, CultureInfo.InvariantCulture);
            var total = long.Parse((string)order["qty"]!, CultureInfo.InvariantCulture);
            var after = before + quantity;
            if (after > total)
            {
                throw new InvalidOperationException($"order {clientOrderId} has only {total - before} shares left to fill.");
            }

            var newAverage = ((average * before) + (price * quantity)) / after;
            order["filled_qty"] = after.ToString(CultureInfo.InvariantCulture);
            order["filled_avg_price"] = newAverage.ToString("R", CultureInfo.InvariantCulture);
            order["status"] = after == total ? "filled" : "partially_filled";
            var symbol = (string)order["symbol"]!;
            var signed = (string?)order["side"] == "buy" ? quantity : -quantity;
            _positions[symbol] = _positions.GetValueOrDefault(symbol) + signed;
            _cash -= signed * price;
            _prices.TryAdd(symbol, price);
        }
    }

    /// <summary>Moves a position at the broker without an order (a transfer, a fill the gateway never heard of).</summary>
    public void Adjust(string symbol, long shares)
    {
        lock (_gate)
        {
            _positions[symbol] = _positions.GetValueOrDefault(symbol) + shares;
        }
    }

    protected override Task<(int Status, string Body)?> AnswerAsync(HttpListenerRequest request, string body)
    {
        lock (_gate)
        {
            var method = request.HttpMethod;
            _requests.Add($"{method} {request.Url!.AbsolutePath}");
            (int, string) reply = request.Headers["APCA-API-KEY-ID"] != KeyId || request.Headers["APCA-API-SECRET-KEY"] != Secret
                ? (401, """{"message":"request is not authorized"}""")
                : _faults.Count > 0 && (_faults.Peek().Method == "*" || _faults.Peek().Method == method)
                    ? _faults.Dequeue() is var f ? (f.Status, f.Body) : default
                    : Answer(method, request.Url!.AbsolutePath, request.QueryString["client_order_id"], body);
            return Task.FromResult<(int Status, string Body)?>(reply);
        }
    }

    private (int, string) Answer(string method, string path, string? clientOrderId, string body)
    {
        switch (method, path)
        {
            case ("POST", "/v2/orders"):
                var request = JsonNode.Parse(body)!.AsObject();
                var id = (string?)request["client_order_id"] ?? Guid.NewGuid().ToString();
                if (_orders.Any(o => (string?)o["client_order_id"] == id))
                {
                    return (422, """{"code":40010001,"message":"client_order_id must be unique"}""");
                }

                if (!long.TryParse((string?)request["qty"], NumberStyles.None, CultureInfo.InvariantCulture, out var qty) || qty <= 0)
                {
                    return (422, """{"code":40010001,"message":"qty must be > 0"}""");
                }

                var order = new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["client_order_id"] = id,
                    ["symbol"] = (string?)request["symbol"],
                    ["qty"] = (string?)request["qty"],
                    ["filled_qty"] = "0",
                    ["filled_avg_price"] = null,
                    ["side"] = (string?)request["side"],
                    ["type"] = (string?)request["type"],
                    ["time_in_force"] = (string?)request["time_in_force"],
                    ["limit_price"] = (string?)request["limit_price"],
                    ["status"] = "new",
                };
                _orders.Add(order);
                return (200, order.ToJsonString());
            case ("GET", "/v2/orders:by_client_order_id"):
                return _orders.FirstOrDefault(o => (string?)o["client_order_id"] == clientOrderId) is { } found
                    ? (200, found.ToJsonString())
                    : (404, """{"code":40410000,"message":"order not found"}""");
            case ("DELETE", _) when path.StartsWith("/v2/orders/", StringComparison.Ordinal):
                var target = _orders.FirstOrDefault(o => (string?)o["id"] == path["/v2/orders/".Length..]);
                if (target is null)
                {
                    return (404, """{"code":40410000,"message":"order not found"}""");
                }

                if ((string?)target["status"] is not ("new" or "partially_filled" or "accepted"))
                {
                    return (422, """{"code":42210000,"message":"order is not cancelable"}""");
                }

                target["status"] = "canceled";
                return (204, string.Empty);
            case ("GET", "/v2/positions"):
                return (200, new JsonArray([.. _positions.Where(p => p.Value != 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject
                {
                    ["symbol"] = p.Key,
                    ["qty"] = p.Value.ToString(CultureInfo.InvariantCulture),
                    ["side"] = p.Value > 0 ? "long" : "short",
                    ["avg_entry_price"] = _prices.GetValueOrDefault(p.Key).ToString("R", CultureInfo.InvariantCulture),
                    ["current_price"] = _prices.GetValueOrDefault(p.Key).ToString("R", CultureInfo.InvariantCulture),
                })]).ToJsonString());
            case ("GET", "/v2/account"):
                var equity = _cash + _positions.Sum(p => p.Value * _prices.GetValueOrDefault(p.Key));
                return (200, new JsonObject
                {
                    ["cash"] = _cash.ToString("R", CultureInfo.InvariantCulture),
                    ["equity"] = equity.ToString("R", CultureInfo.InvariantCulture),
                    ["status"] = "ACTIVE",
                }.ToJsonString());
            default:
                return (404, """{"message":"Not Found"}""");
        }
    }
}
