using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Research.Data.Fetching;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

namespace Research.Cli.Infrastructure;

/// <summary>
/// Options of the commands that fetch prices (<c>research fetch</c>, <c>research etl</c>): the symbols, the provider chain
/// and Yahoo's host, over <see cref="FetcherSettings"/> bound from configuration section <c>Research:Fetcher</c>.
/// </summary>
internal sealed class FetcherOptions
{
    public Option<string?> Symbols { get; } = new("--symbols") { Description = "Comma-separated symbols (tickers; PERMNO:n for CRSP), e.g. AAPL,MSFT." };

    public Option<FileInfo?> SymbolsFile { get; } = new("--symbols-file") { Description = "A file with one symbol per line (# starts a comment)." };

    public Option<string?> Source { get; } = new("--source")
    {
        Description = "Providers in order: auto (CRSP when the warehouse has it, then Yahoo, then Yahoo's cache), or a comma-separated list of crsp, yahoo, cache, synthetic (default: Research:Fetcher:Chain, else auto).",
    };

    public Option<string?> YahooUrl { get; } = new("--yahoo-url") { Description = "Yahoo chart host (default: Research:Fetcher:YahooBaseAddress, else https://query1.finance.yahoo.com)." };

    public void AddTo(Command command, bool symbols = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (symbols)
        {
            command.Options.Add(Symbols);
            command.Options.Add(SymbolsFile);
        }

        command.Options.Add(Source);
        command.Options.Add(YahooUrl);
    }

    /// <summary>The symbols given by <c>--symbols</c> or <c>--symbols-file</c> (exactly one), upper case, without duplicates.</summary>
    public IReadOnlyList<string> SymbolList(ParseResult parse)
    {
        var (text, file) = (parse.GetValue(Symbols), parse.GetValue(SymbolsFile));
        if (text is null == file is null)
        {
            throw new CliException("Give exactly one of --symbols A,B,C and --symbols-file FILE.");
        }

        IEnumerable<string> raw;
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new CliException($"--symbols-file: {file.FullName} does not exist.");
            }

            raw = File.ReadLines(file.FullName).Select(l => l.Split('#')[0]);
        }
        else
        {
            raw = text!.Split(',');
        }

        var list = raw.Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        var bad = list.FirstOrDefault(s => s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\' or '?' or '&'));
        return list.Count == 0
            ? throw new CliException($"{(file is null ? "--symbols" : $"--symbols-file {file.Name}")}: no symbol given.")
            : bad is not null ? throw new CliException($"Symbol '{bad}' is not a ticker (no spaces, slashes, '?' or '&').") : list;
    }

    /// <summary>The settings from configuration with the command line's overrides, checked.</summary>
    public FetcherSettings Settings(ParseResult parse, IConfiguration configuration)
    {
        var settings = new FetcherSettings();
        try
        {
            configuration.GetSection(FetcherSettings.Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
            if (parse.GetValue(Source) is { } source)
            {
                settings = settings with { Chain = source };
            }

            if (parse.GetValue(YahooUrl) is { } url)
            {
                settings = settings with
                {
                    YahooBaseAddress = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? uri
                        : throw new CliException($"--yahoo-url: '{url}' is not an http(s) URL."),
                };
            }

            return settings.Validated();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliException($"{(parse.GetValue(Source) is null ? $"Configuration section {FetcherSettings.Section}" : "--source")}: {e.Message}", e);
        }
    }

    /// <summary>Opens the chain over the warehouse (the synthetic market's options from configuration).</summary>
    public static async Task<MarketDataChain> OpenAsync(WarehouseLayout layout, FetcherSettings settings, IConfiguration configuration, FetcherMetrics metrics, IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        try
        {
            var synthetic = SyntheticOptionsReader.Read(key => configuration[key], DemoWarehouseSeeder.DemoOptions);
            return await MarketDataChain.OpenAsync(layout, settings, synthetic, TimeProvider.System, metrics, symbols, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, e);
        }
    }
}
