using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Research.Data.Providers.Yahoo;

/// <summary>How the Yahoo client paces and retries.</summary>
public sealed record YahooClientOptions
{
    /// <summary>The chart endpoint's host (a stub server in tests).</summary>
    public Uri BaseAddress { get; init; } = new("https://query1.finance.yahoo.com");

    /// <summary>Retries after the first attempt, for 429, 5xx and connection failures.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first backoff; each retry doubles it, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a retry, including a server's Retry-After.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Requests started per second at most (Yahoo throttles bursts with 429).</summary>
    public int RequestsPerSecond { get; init; } = 2;
}

/// <summary>
/// A small client for Yahoo's v8 chart endpoint over <see cref="HttpClient"/> (no Yahoo library is served here): daily
/// bars with dividends and splits for a date range, parsed by <see cref="YahooChart"/>. Requests are paced by a token
/// bucket (<see cref="YahooClientOptions.RequestsPerSecond"/>); 429, 5xx and connection failures are retried by a Polly
/// pipeline with exponential backoff and jitter, honouring a server's Retry-After (capped at
/// <see cref="YahooClientOptions.MaxDelay"/>). A 404 carries Yahoo's own error ("No data found, symbol may be delisted")
/// into the exception; a body that is not a chart fails at once, naming the URL (it is not retried: it would not change).
/// </summary>
public sealed class YahooChartClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly YahooClientOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TokenBucketRateLimiter _pace;
    private readonly TimeProvider _clock;

    public YahooChartClient(HttpClient http, YahooClientOptions options, TimeProvider clock, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        (_http, _options, _clock) = (http, options, clock);
        var log = logger ?? NullLogger.Instance;
        _pace = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.RequestsPerSecond),
            TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            AutoReplenishment = true,
        });
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    log.LogWarning("Yahoo chart request retried ({Attempt}) after {Outcome}; waiting {Delay}", args.AttemptNumber + 1,
                        args.Outcome.Result?.StatusCode.ToString() ?? args.Outcome.Exception?.Message, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary>Daily bars, dividends and splits of <paramref name="symbol"/> from <paramref name="from"/> to <paramref name="to"/> (both included).</summary>
    public async Task<YahooChartSeries> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (to < from)
        {
            throw new ArgumentException($"The range {from:yyyy-MM-dd}..{to:yyyy-MM-dd} is empty (to before from).", nameof(to));
        }

        var url = new Uri(_options.BaseAddress, string.Create(CultureInfo.InvariantCulture,
            $"v8/finance/chart/{Uri.EscapeDataString(symbol.Trim())}?period1={Unix(from)}&period2={Unix(to.AddDays(1))}&interval=1d&events=div%2Csplits&includeAdjustedClose=true"));
        using var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var lease = await _pace.AcquireAsync(1, token).ConfigureAwait(false);
            return await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new YahooChartException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(IsRetried(response.StatusCode) ? $" after {_options.MaxRetries} retries" : string.Empty)}.");
        }

        return YahooChart.Parse(body, url.ToString()); // a 404 body carries Yahoo's error, which Parse reports
    }

    public void Dispose() => _pace.Dispose();

    private static bool IsRetried(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The server's Retry-After (seconds or a date), or null for the pipeline's own backoff.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } when ? when - _clock.GetUtcNow() : null);
        return wait is { } w && w > TimeSpan.Zero ? (w < _options.MaxDelay ? w : _options.MaxDelay) : null;
    }

    private static long Unix(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
}
