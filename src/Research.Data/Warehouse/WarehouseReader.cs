namespace Research.Data.Warehouse;

/// <summary>
/// Warm read access to the warehouse for a long-lived process (a silo, the console, a benchmark): instead of opening a
/// DuckDB session per query (views bound, Parquet footers read, the connection locked down: several milliseconds
/// each time), it keeps sessions open per pinned version set and lends them out one caller at a time.
/// <list type="bullet">
/// <item>A lease for the current versions reads each dataset's CURRENT pointer (a few bytes) and gets an idle session
/// pinned at exactly those versions, or opens one. Once a version is published, the next lease pins the new version
/// and the idle sessions of the replaced one are closed: no caller ever reads a superseded version through a lease
/// taken after the publish (a lease taken before keeps its version, as any pinned session does).</item>
/// <item>A lease for recorded version ids (a stored job's) is keyed by those ids and never goes stale (its sessions
/// are kept apart from those of current leases).</item>
/// <item>A session is used by one lease at a time (a DuckDB connection runs one query at a time); concurrent callers
/// get sessions of their own. At most <see cref="MaxIdle"/> idle sessions are kept, the least recently used closed
/// first.</item>
/// </list>
/// </summary>
public sealed class WarehouseReader(WarehouseLayout layout, TimeProvider clock, QueryLimits? limits = null) : IDisposable
{
    /// <summary>Idle sessions kept open at most (over all version sets).</summary>
    public const int MaxIdle = 8;

    private readonly QueryLimits _limits = limits ?? QueryLimits.Default;
    private readonly Lock _gate = new();
    private readonly List<(string Key, WarehouseQuerySession Session)> _idle = [];
    private readonly Dictionary<string, string> _currentKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _superseded = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Sessions opened so far (a lease that reused one did not open one).</summary>
    public int Opened { get; private set; }

    /// <summary>Lends a session pinned at the current version of each of <paramref name="datasets"/>.</summary>
    public Lease Current(IReadOnlyCollection<string> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dataset in datasets.Distinct(StringComparer.Ordinal))
        {
            versions[dataset] = WarehouseCatalog.ReadCurrentVersionId(layout, dataset)
                ?? throw new DatasetNotFoundException($"Dataset '{dataset}' has no published version in {layout.Root}: sync it first.");
        }

        var key = "current|" + Key(versions);
        var set = string.Join(',', versions.Keys);
        lock (_gate)
        {
            // A publish moved the current version of this set: the sessions of the old versions will not be asked for again.
            if (_currentKeys.TryGetValue(set, out var previous) && previous != key)
            {
                _superseded.Add(previous);
                Close(_idle.Where(i => i.Key == previous).ToList());
            }

            _currentKeys[set] = key;
        }

        return Lend(key, versions);
    }

    /// <summary>Lends a session pinned at exactly these version ids (dataset -> version id), as a stored job recorded them.</summary>
    public Lease Versions(IReadOnlyDictionary<string, string> versionIds)
    {
        ArgumentNullException.ThrowIfNull(versionIds);
        var versions = new SortedDictionary<string, string>(versionIds.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return Lend("pinned|" + Key(versions), versions);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Close([.. _idle]);
        }
    }

    private static string Key(SortedDictionary<string, string> versions) => string.Join(';', versions.Select(v => $"{v.Key}@{v.Value}"));

    private Lease Lend(string key, SortedDictionary<string, string> versions)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var at = _idle.FindLastIndex(i => i.Key == key);
            if (at >= 0)
            {
                var session = _idle[at].Session;
                _idle.RemoveAt(at);
                return new Lease(this, key, session);
            }
        }

        // Opened outside the lock: other callers are not held up by this one's footers.
        var opened = WarehouseQuerySession.OpenVersions(layout, versions, _limits, clock);
        lock (_gate)
        {
            Opened++;
        }

        return new Lease(this, key, opened);
    }

    private void Return(string key, WarehouseQuerySession session)
    {
        lock (_gate)
        {
            if (_disposed || _superseded.Contains(key))
            {
                session.Dispose();
                return;
            }

            _idle.Add((key, session));
            if (_idle.Count > MaxIdle)
            {
                Close([_idle[0]]);
            }
        }
    }

    private void Close(List<(string Key, WarehouseQuerySession Session)> sessions)
    {
        foreach (var item in sessions)
        {
            _idle.Remove(item);
            item.Session.Dispose();
        }
    }

    /// <summary>A session lent to one caller; disposing it gives the session back.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly WarehouseReader _reader;
        private readonly string _key;
        private WarehouseQuerySession? _session;

        internal Lease(WarehouseReader reader, string key, WarehouseQuerySession session) => (_reader, _key, _session) = (reader, key, session);

        public WarehouseQuerySession Session => _session ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _session, null) is { } session)
            {
                _reader.Return(_key, session);
            }
        }
    }
}
