using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Trading.Orders;

namespace Research.Trading.Brokers;

/// <summary>
/// Where an Alpaca account is and its API key. <see cref="BaseUrl"/> is the trading API's root (paper:
/// https://paper-api.alpaca.markets; a local stand-in in tests). The secret is sent in a header and never shown.
/// </summary>
public sealed record AlpacaSettings(Uri BaseUrl, string KeyId, string SecretKey)
{
    public override string ToString() => $"alpaca at {BaseUrl} (key {KeyId}, secret hidden)";

    /// <summary>What is wrong with the settings, naming the field, or null.</summary>
    public string? Problem() =>
        !BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("https" or "http") ? $"BaseUrl '{BaseUrl}' must be an absolute http(s) address"
        : BaseUrl.Scheme == "http" && !BaseUrl.IsLoopback ? $"BaseUrl '{BaseUrl}' must use https (plain http only to this machine)"
        : string.IsNullOrWhiteSpace(KeyId) ? "KeyId is empty"
        : string.IsNullOrWhiteSpace(SecretKey) ? "SecretKey is empty"
        : null;
}

/// <summary>
/// The broker adapter for Alpaca's trading API (v2), speaking its REST shapes: <c>POST /v2/orders</c> with
/// <c>symbol, qty, side, type, time_in_force, limit_price, client_order_id</c> (quantities and prices as strings, as
/// Alpaca writes them); <c>GET /v2/orders:by_client_order_id</c>; <c>DELETE /v2/orders/{id}</c>;
/// <c>GET /v2/positions</c>; <c>GET /v2/account</c>; keys in the <c>APCA-API-KEY-ID</c> and
/// <c>APCA-API-SECRET-KEY</c> headers. Alpaca keeps client order ids unique (a second order with one is refused with
/// 422), so a resubmit after a lost reply is answered with the order already there. Orders are day orders. Alpaca
/// charges no commission on US equities: fills carry no cost here.
/// </summary>
public sealed class AlpacaBroker : IBrokerAdapter
{
    private readonly HttpClient _http;
    private readonly AlpacaSettings _settings;

    /// <param name="http">A client whose lifetime the caller owns; its timeout bounds every request.</param>
    public AlpacaBroker(HttpClient http, AlpacaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problem() is { } problem)
        {
            throw new ArgumentException($"Alpaca settings: {problem}.", nameof(settings));
        }

        (_http, _settings) = (http, settings);
    }

    public string Name => "alpaca";

    public async Task<BrokerOrder> SubmitAsync(OrderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["symbol"] = request.Symbol,
            ["qty"] = request.Quantity.ToString(CultureInfo.InvariantCulture),
            ["side"] = request.Side == OrderSide.Buy ? "buy" : "sell",
            ["type"] = request.LimitPrice is null ? "market" : "limit",
            ["time_in_force"] = "day",
            ["client_order_id"] = request.ClientOrderId,
        };
        if (request.LimitPrice is { } limit)
        {
            body["limit_price"] = limit.ToString("0.####", CultureInfo.InvariantCulture);
        }

        var (status, answer) = await SendAsync(HttpMethod.Post, "v2/orders", body, cancellationToken).ConfigureAwait(false);
        if (status is HttpStatusCode.OK or HttpStatusCode.Created)
        {
            return ParseOrder(answer, "the order Alpaca accepted");
        }

        if (status == HttpStatusCode.UnprocessableEntity && Message(answer).Contains("client_order_id", StringComparison.OrdinalIgnoreCase))
        {
            // The id is already taken: the order was placed by an earlier attempt whose reply was lost.
            return await FindAsync(request.ClientOrderId, cancellationToken).ConfigureAwait(false)
                ?? throw new BrokerUnavailableException($"Alpaca refused client order id {request.ClientOrderId} as taken but does not return an order for it.");
        }

        if (status is HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            return new BrokerOrder(request.ClientOrderId, string.Empty, request.Symbol, BrokerOrderStatus.Rejected, 0, 0,
                $"Alpaca refused the order ({(int)status}): {Message(answer)}");
        }

        throw Unexpected(status, answer, "POST /v2/orders");
    }

    public async Task<BrokerOrder?> FindAsync(string clientOrderId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientOrderId);
        var (status, answer) = await SendAsync(HttpMethod.Get, "v2/orders:by_client_order_id?client_order_id=" + Uri.EscapeDataString(clientOrderId), null, cancellationToken).ConfigureAwait(false);
        return status switch
        {
            HttpStatusCode.OK => ParseOrder(answer, $"order {clientOrderId}"),
            HttpStatusCode.NotFound => null,
            _ => throw Unexpected(status, answer, "GET /v2/orders:by_client_order_id"),
        };
    }

    public async Task<BrokerOrder?> CancelAsync(string clientOrderId, CancellationToken cancellationToken = default)
    {
        var order = await FindAsync(clientOrderId, cancellationToken).ConfigureAwait(false);
        if (order is null || !order.IsOpen)
        {
            return order;
        }

        var (status, answer) = await SendAsync(HttpMethod.Delete, "v2/orders/" + Uri.EscapeDataString(order.BrokerOrderId), null, cancellationToken).ConfigureAwait(false);
        if (status is not (HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity))
        {
            throw Unexpected(status, answer, "DELETE /v2/orders/{id}");
        }

        // 422: no longer cancelable (it filled or ended meanwhile); either way the order as it now stands is the answer.
        return await FindAsync(clientOrderId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BrokerPosition>> PositionsAsync(CancellationToken cancellationToken = default)
    {
        var (status, answer) = await SendAsync(HttpMethod.Get, "v2/positions", null, cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK || answer is not JsonArray rows)
        {
            throw Unexpected(status, answer, "GET /v2/positions");
        }

        return [.. rows.Select(row => row is JsonObject p
            ? new BrokerPosition(Text(p, "symbol", "a position"), (long)Number(p, "qty", "a position"), Number(p, "avg_entry_price", "a position"),
                p["current_price"] is null ? null : Number(p, "current_price", "a position"))
            : throw new BrokerUnavailableException("Alpaca's positions hold something that is not a position object."))];
    }

    public async Task<BrokerBalance> BalanceAsync(CancellationToken cancellationToken = default)
    {
        var (status, answer) = await SendAsync(HttpMethod.Get, "v2/account", null, cancellationToken).ConfigureAwait(false);
        return status == HttpStatusCode.OK && answer is JsonObject a
            ? new BrokerBalance(Number(a, "cash", "the account"), Number(a, "equity", "the account"))
            : throw Unexpected(status, answer, "GET /v2/account");
    }

    /// <summary>Maps Alpaca's order statuses: pending and working states are accepted; canceled, expired and replaced end it.</summary>
    public static BrokerOrderStatus Status(string status) => status switch
    {
        "new" or "accepted" or "pending_new" or "accepted_for_bidding" or "pending_cancel" or "pending_replace" or "done_for_day" or "stopped" or "suspended" or "calculated" or "held" => BrokerOrderStatus.Accepted,
        "partially_filled" => BrokerOrderStatus.PartiallyFilled,
        "filled" => BrokerOrderStatus.Filled,
        "canceled" or "expired" or "replaced" => BrokerOrderStatus.Cancelled,
        "rejected" => BrokerOrderStatus.Rejected,
        _ => throw new BrokerUnavailableException($"Alpaca reported an order status this adapter does not know: '{status}'."),
    };

    /// <summary>An Alpaca order object (REST answer, or the <c>order</c> of a trade update) as a broker order.</summary>
    public static BrokerOrder ParseOrder(JsonNode? node, string what)
    {
        if (node is not JsonObject o)
        {
            throw new BrokerUnavailableException($"Alpaca's answer for {what} is not an order object.");
        }

        var filled = o["filled_qty"] is null ? 0 : Number(o, "filled_qty", what);
        var average = o["filled_avg_price"] is null ? 0 : Number(o, "filled_avg_price", what);
        var status = Text(o, "status", what);
        return new BrokerOrder(Text(o, "client_order_id", what), Text(o, "id", what), Text(o, "symbol", what), Status(status),
            (long)filled, average, status is "canceled" or "expired" or "replaced" or "rejected" ? $"{status} at Alpaca" : null);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_settings.BaseUrl, path));
        request.Headers.Add("APCA-API-KEY-ID", _settings.KeyId);
        request.Headers.Add("APCA-API-SECRET-KEY", _settings.SecretKey);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new BrokerUnavailableException($"Alpaca answered {method} /{path.Split('?')[0]} with {(int)response.StatusCode} {response.ReasonPhrase}{(text.Length > 0 ? ": " + Clip(text) : string.Empty)}.");
            }

            JsonNode? parsed = null;
            if (text.Length > 0)
            {
                try
                {
                    parsed = JsonNode.Parse(text);
                }
                catch (JsonException e)
                {
                    throw new BrokerUnavailableException($"Alpaca's answer to {method} /{path.Split('?')[0]} ({(int)response.StatusCode}) is not JSON: {Clip(text)}", e);
                }
            }

            return (response.StatusCode, parsed);
        }
        catch (HttpRequestException e)
        {
            throw new BrokerUnavailableException($"Alpaca at {_settings.BaseUrl} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerUnavailableException($"Alpaca at {_settings.BaseUrl} did not answer {method} /{path.Split('?')[0]} within {_http.Timeout.TotalSeconds:F0} s.", e);
        }
    }

    private static BrokerUnavailableException Unexpected(HttpStatusCode status, JsonNode? answer, string call) =>
        new($"Alpaca answered {call} with {(int)status}: {Message(answer)}");

    private static string Message(JsonNode? answer) => answer is JsonObject o && o["message"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : Clip(answer?.ToJsonString() ?? "(no body)");

    private static string Text(JsonObject o, string field, string what) =>
        o[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw new BrokerUnavailableException($"Alpaca's answer for {what} has no '{field}'.");

    /// <summary>Alpaca writes quantities and prices as strings ("10", "187.25"); a number is accepted too.</summary>
    private static double Number(JsonObject o, string field, string what)
    {
        var value = o[field] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            _ => double.NaN,
        };
        return double.IsFinite(value) ? value : throw new BrokerUnavailableException($"Alpaca's answer for {what} has no number in '{field}' (got {o[field]?.ToJsonString() ?? "nothing"}).");
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
