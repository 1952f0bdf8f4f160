using System.Collections.Concurrent;
using Research.Data.Warehouse;
using Research.Trading.Brokers;

namespace Research.Grains.Trading;

/// <summary>
/// The silo's quotes for the gateways: each symbol read from the warehouse once per version of <c>crsp/daily</c> and
/// <c>crsp/names</c> (a DuckDB session per order cost tens of milliseconds). The current versions are looked up at most
/// once a second; a new version (a sync) empties the cache, so a new close is traded at within a second of publishing.
/// </summary>
public sealed class SiloQuotes(WarehouseLayout layout, TimeProvider clock) : IQuoteSource
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Quote?> _quotes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private (string Versions, long CheckedAt)? _current;

    public Quote? Find(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        Refresh();
        return _quotes.GetOrAdd(symbol, s => new WarehouseQuotes(layout, clock).Find(s));
    }

    private void Refresh()
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            if (_current is { } c && clock.GetElapsedTime(c.CheckedAt, now) < CheckEvery)
            {
                return;
            }

            var catalog = new WarehouseCatalog(layout);
            var versions = $"{catalog.ReadCurrent("crsp/daily")?.VersionId}|{catalog.ReadCurrent("crsp/names")?.VersionId}";
            if (_current?.Versions != versions)
            {
                _quotes.Clear();
            }

            _current = (versions, now);
        }
    }
}
