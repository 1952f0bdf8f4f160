using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Antiforgery;
using Research.Console.Backtests;
using Research.Console.Security;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Api;

/// <summary>A backtest submission over HTTP: the spec's fields (camelCase; defaults from <see cref="BacktestDefaults"/>), plus a priority. Unknown fields are refused.</summary>
public sealed record BacktestSubmitRequest(
    string Strategy,
    DateOnly? From = null,
    DateOnly? To = null,
    ExecutionTiming Execution = BacktestDefaults.Execution,
    double Quantile = BacktestDefaults.Quantile,
    double Capital = BacktestDefaults.Capital,
    double CommissionBps = BacktestDefaults.CommissionBps,
    double HalfSpreadBps = BacktestDefaults.HalfSpreadBps,
    double Impact = BacktestDefaults.Impact,
    double BorrowBps = BacktestDefaults.BorrowBps,
    string Construction = BacktestDefaults.Construction,
    JobPriority Priority = JobPriority.Normal)
{
    public BacktestJobSpec ToSpec() => new(Strategy, From, To, Execution, Quantile, Capital, CommissionBps, HalfSpreadBps, Impact, BorrowBps, Construction);
}

/// <summary>Retention over HTTP: a step-up TOTP code is required (cookie sessions only; API keys cannot prune).</summary>
public sealed record RetentionRequest(int KeepLatest, int MaxAgeDays, string? Code = null, string? Reason = null);

/// <summary>
/// <c>/api/backtests</c>: the same actions as the pages (<see cref="ConsoleBacktests"/>), for scripts with an API key
/// (<c>Authorization: Bearer rk_...</c>) or for the console's own session (then writes need the antiforgery header
/// <c>X-CSRF-TOKEN</c>). Refusals are 403 with the reason, and audited.
/// </summary>
public static class BacktestApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(WireNames.Policy, allowIntegerValues: false) },
    };

    public static IEndpointRouteBuilder MapBacktestApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/backtests").RequireAuthorization().DisableAntiforgery();
        api.MapGet("/", (HttpContext http, ConsoleBacktests backtests, int? limit) => Handle(http, async () => Results.Ok(await backtests.ListAsync(http.User, limit ?? 100).ConfigureAwait(false))));
        api.MapGet("/{jobId}", (HttpContext http, ConsoleBacktests backtests, string jobId) => Handle(http, async () =>
        {
            var (status, result) = await backtests.OpenAsync(http.User, jobId).ConfigureAwait(false);
            var submission = await backtests.SubmissionAsync(http.User, jobId).ConfigureAwait(false);
            if (result is null)
            {
                return Results.Ok(new { status, submission, result = (object?)null });
            }

            using var metrics = JsonDocument.Parse(result.MetricsJson);
            return Results.Ok(new { status, submission, result = new { result.Label, metrics = metrics.RootElement.Clone(), result.MetricsSha256, result.DataVersions, result.SeriesSha256, result.CreatedAt, result.Pinned, result.Starred } });
        }));
        api.MapGet("/{jobId}/trades.csv", (HttpContext http, ConsoleBacktests backtests, string jobId) => Handle(http, async () =>
        {
            // A refusal or a missing result is a clean error before anything is sent; then the file streams page by page
            // (a silo lost half way aborts the response, so a download is never silently short).
            var write = await backtests.PrepareTradesCsvAsync(http.User, jobId).ConfigureAwait(false);
            return Results.Stream(async body =>
            {
                await using var writer = new StreamWriter(body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
                await write(writer, http.RequestAborted).ConfigureAwait(false);
            }, "text/csv; charset=utf-8", $"{jobId}-trades.csv");
        }));
        api.MapGet("/{jobId}/returns.csv", (HttpContext http, ConsoleBacktests backtests, string jobId) => Handle(http, async () =>
        {
            // The daily series of the result page (a notebook's plots start here): net return, wealth from 1 and drawdown.
            var view = await backtests.ViewAsync(http.User, ConsoleBacktests.RequireId(jobId)).ConfigureAwait(false);
            var csv = new System.Text.StringBuilder("date,return,wealth,drawdown\n");
            for (var i = 0; i < view.Dates.Length; i++)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{view.Dates[i]:yyyy-MM-dd},{view.Returns[i]:R},{view.Wealth[i]:R},{view.Drawdown[i]:R}\n");
            }

            return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
        }));
        api.MapPost("/", (HttpContext http, ConsoleBacktests backtests) => Handle(http, async () =>
        {
            var request = await ReadAsync<BacktestSubmitRequest>(http).ConfigureAwait(false);
            var status = await backtests.SubmitAsync(http.User, request.ToSpec(), request.Priority).ConfigureAwait(false);
            return Results.Accepted($"/api/backtests/{status.JobId}", status);
        }, write: true));
        api.MapPost("/{jobId}/cancel", (HttpContext http, ConsoleBacktests backtests, string jobId) => Handle(http, async () => Results.Ok(await backtests.CancelAsync(http.User, ConsoleBacktests.RequireId(jobId)).ConfigureAwait(false)), write: true));
        api.MapPost("/retention", (HttpContext http, ConsoleBacktests backtests) => Handle(http, async () =>
        {
            var request = await ReadAsync<RetentionRequest>(http).ConfigureAwait(false);
            return Results.Ok(await backtests.ApplyRetentionAsync(http.User, request.KeepLatest, request.MaxAgeDays, request.Code, request.Reason).ConfigureAwait(false));
        }, write: true));
        return endpoints;
    }

    internal static async Task<T> ReadAsync<T>(HttpContext http)
    {
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted).ConfigureAwait(false)
                ?? throw new ArgumentException("the request body is empty; send a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the request body is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Cookie-authenticated writes need the antiforgery header; refusals are 403, bad input 400, with a reason.</summary>
    internal static async Task<IResult> Handle(HttpContext http, Func<Task<IResult>> action, bool write = false)
    {
        if (write && http.User.FindFirstValue(ConsoleClaims.Session) is not null)
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
            {
                return Results.Json(new { error = "missing or wrong antiforgery token (header X-CSRF-TOKEN) for a write with a console session" }, statusCode: StatusCodes.Status400BadRequest);
            }
        }

        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (ApiErrors.For(e) is { } answer)
        {
            return answer;
        }
    }
}
