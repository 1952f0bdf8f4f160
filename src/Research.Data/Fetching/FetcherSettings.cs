namespace Research.Data.Fetching;

/// <summary>
/// How the fetcher is put together (configuration section <c>Research:Fetcher</c>; the CLI's <c>--source</c> overrides
/// <see cref="Chain"/>). One place for the defaults.
/// </summary>
public sealed record FetcherSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Research:Fetcher";

    /// <summary>
    /// <c>auto</c> (CRSP when the warehouse has it, then Yahoo, then Yahoo's cache offline) or providers in order,
    /// comma separated: <c>crsp</c>, <c>yahoo</c>, <c>cache</c>, <c>synthetic</c>.
    /// </summary>
    public string Chain { get; init; } = "auto";

    /// <summary>Yahoo's chart host (a stub server in tests).</summary>
    public Uri YahooBaseAddress { get; init; } = new("https://query1.finance.yahoo.com");

    /// <summary>Requests per second to Yahoo at most.</summary>
    public int YahooRequestsPerSecond { get; init; } = 2;

    /// <summary>Retries of a 429, 5xx or connection failure.</summary>
    public int YahooMaxRetries { get; init; } = 5;

    /// <summary>First retry delay (doubled each time, with jitter; a Retry-After wins).</summary>
    public TimeSpan YahooBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The per-symbol Parquet cache; null: <c>.cache/yahoo</c> under the warehouse root.</summary>
    public string? YahooCacheFolder { get; init; }

    /// <summary>Symbols fetched at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>This, checked: a bad chain or a number out of range throws naming it.</summary>
    public FetcherSettings Validated()
    {
        _ = Providers(warehouseHasCrsp: true);
        return YahooRequestsPerSecond is < 1 or > 100 || YahooMaxRetries is < 0 or > 20 || Parallelism is < 1 or > 64
            ? throw new ArgumentException($"YahooRequestsPerSecond must be 1..100 (is {YahooRequestsPerSecond}), YahooMaxRetries 0..20 (is {YahooMaxRetries}) and Parallelism 1..64 (is {Parallelism}).")
            : this;
    }

    /// <summary>The providers <see cref="Chain"/> names, checked.</summary>
    public IReadOnlyList<string> Providers(bool warehouseHasCrsp)
    {
        var names = Chain.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.ToLowerInvariant()).ToList();
        if (names is ["auto"])
        {
            return warehouseHasCrsp ? ["crsp", "yahoo", "cache"] : ["yahoo", "cache"];
        }

        var unknown = names.Where(n => n is not ("crsp" or "yahoo" or "cache" or "synthetic")).ToList();
        if (names.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Source '{Chain}': {(names.Count == 0 ? "empty" : $"unknown provider(s) {string.Join(", ", unknown)}")}; use auto or a comma-separated list of crsp, yahoo, cache, synthetic.");
        }

        return names.Distinct().Count() == names.Count ? names : throw new ArgumentException($"Source '{Chain}' names a provider twice.");
    }
}
