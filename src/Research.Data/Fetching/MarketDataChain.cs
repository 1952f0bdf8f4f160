using Microsoft.Extensions.Logging;
using Research.Data.Providers.Crsp;
using Research.Data.Providers.Yahoo;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

namespace Research.Data.Fetching;

/// <summary>
/// The factory: builds the providers <see cref="FetcherSettings.Chain"/> names over one warehouse and owns what they
/// hold (the pinned CRSP session, Yahoo's HTTP client, the synthetic market's DuckDB) until disposed.
/// </summary>
public sealed class MarketDataChain : IDisposable
{
    private static readonly string[] CrspDatasets = ["crsp/daily", "crsp/names", "crsp/delisting"];
    private readonly List<IDisposable> _owned;

    private MarketDataChain(MarketDataFetcher fetcher, List<IDisposable> owned, YahooMarketData? yahoo) => (Fetcher, _owned, Yahoo) = (fetcher, owned, yahoo);

    public MarketDataFetcher Fetcher { get; }

    /// <summary>The Yahoo provider when the chain has one (its request count shows whether the cache answered).</summary>
    public YahooMarketData? Yahoo { get; }

    /// <summary>Where the Yahoo cache of a warehouse is unless configured.</summary>
    public static string DefaultYahooCache(WarehouseLayout layout) => Path.Combine(layout.Root, ".cache", "yahoo");

    public static async Task<MarketDataChain> OpenAsync(
        WarehouseLayout layout, FetcherSettings settings, SyntheticMarketOptions synthetic, TimeProvider clock, FetcherMetrics metrics,
        IReadOnlyList<string>? yahooUniverse = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(settings);
        var hasCrsp = CrspDatasets.All(d => new WarehouseCatalog(layout).ReadCurrent(d) is not null);
        var owned = new List<IDisposable>();
        var providers = new List<IMarketDataProvider>();
        YahooMarketData? yahoo = null;
        try
        {
            var cache = new YahooHistoryCache(settings.YahooCacheFolder ?? DefaultYahooCache(layout));
            foreach (var name in settings.Providers(hasCrsp))
            {
                switch (name)
                {
                    case "crsp":
                        if (!hasCrsp)
                        {
                            throw new ArgumentException($"Source crsp: the warehouse at {layout.Root} has no current crsp/daily, crsp/names and crsp/delisting; sync them first (research sync --dataset crsp ...).");
                        }

                        var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, CrspDatasets);
                        owned.Add(session);
                        providers.Add(CrspMarketData.Warehouse(session));
                        break;
                    case "yahoo":
                        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                        owned.Add(http);
                        var client = new YahooChartClient(http, new YahooClientOptions
                        {
                            BaseAddress = settings.YahooBaseAddress,
                            RequestsPerSecond = settings.YahooRequestsPerSecond,
                            MaxRetries = settings.YahooMaxRetries,
                            BaseDelay = settings.YahooBaseDelay,
                        }, clock, logger);
                        owned.Add(client);
                        yahoo = new YahooMarketData(client, cache, clock, yahooUniverse, logger);
                        providers.Add(yahoo);
                        break;
                    case "cache":
                        providers.Add(new YahooMarketData(null, cache, clock, yahooUniverse, logger));
                        break;
                    case "synthetic":
                        var market = await SyntheticMarketData.OpenAsync(new SyntheticSyncSource(layout, synthetic), cancellationToken).ConfigureAwait(false);
                        owned.Add(market);
                        providers.Add(market);
                        break;
                }
            }

            return new MarketDataChain(new MarketDataFetcher(providers, metrics), owned, yahoo);
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(_owned))
        {
            item.Dispose();
        }
    }
}
