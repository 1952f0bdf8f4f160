using Research.Grains.Abstractions.Security;
using Research.Trading.Breakers;
using Research.Trading.Brokers;

namespace Research.Grains.Trading;

/// <summary>The trading side's settings in a silo: a paper account's starting cash, the account rules' limits, the paper broker.</summary>
public sealed record TradingOptions
{
    public const string Section = "Research:Trading";

    public double InitialCash { get; init; } = 1_000_000;

    public BreakerLimits Limits { get; init; } = BreakerLimits.Default;

    public PaperBrokerSettings Broker { get; init; } = PaperBrokerSettings.Default;

    /// <summary>How often a running strategy checks for a new session to rebalance on (its reminder's period; at least a minute).</summary>
    public TimeSpan StrategyCheck { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Accounts traded at Alpaca instead of the paper broker, by account name (<c>Research:Trading:Alpaca:NAME:BaseUrl</c>,
    /// <c>KeyId</c>, <c>SecretKey</c>).
    /// </summary>
    public IReadOnlyDictionary<string, AlpacaSettings> Alpaca { get; init; } = new Dictionary<string, AlpacaSettings>(StringComparer.Ordinal);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(Limits.Problems());
        foreach (var (account, settings) in Alpaca)
        {
            if ((BreakerScope.NameProblem(account) is { } name ? "account name " + name : settings.Problem()) is { } problem)
            {
                problems.Add($"Alpaca account '{account}': {problem}.");
            }
        }

        if (!(InitialCash > 0 && double.IsFinite(InitialCash)))
        {
            problems.Add($"initial cash must be a positive amount (got {InitialCash}).");
        }

        if (!(Broker.MaxParticipation is > 0 and <= 1))
        {
            problems.Add($"the paper broker's participation must be above 0 and at most 1 (got {Broker.MaxParticipation}).");
        }

        if (StrategyCheck < TimeSpan.FromMinutes(1))
        {
            problems.Add($"the strategies' check period must be at least a minute, a reminder's shortest (got {StrategyCheck}).");
        }

        return problems;
    }
}

/// <summary>
/// The silo's broker adapters: an account configured in <see cref="TradingOptions.Alpaca"/> trades through an
/// <see cref="AlpacaBroker"/> (one HTTP client for all, 10 s per request); every other account on the paper broker.
/// </summary>
public sealed class BrokerAdapters(TradingOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IBrokerAdapter> _made = new(StringComparer.Ordinal);

    /// <summary>The account's external broker, or null for the paper broker.</summary>
    public IBrokerAdapter? For(string account) =>
        options.Alpaca.TryGetValue(account, out var settings) ? _made.GetOrAdd(account, _ => new AlpacaBroker(_http, settings)) : null;

    public void Dispose() => _http.Dispose();
}

/// <summary>Checks a step-up code for the calling user (the breaker's reset checks it itself rather than trusting the client).</summary>
public interface IStepUpVerifier
{
    Task<bool> VerifyAsync(string userName, string code);
}

/// <summary>The account store's TOTP check, through the account grain.</summary>
public sealed class AccountStepUpVerifier(IGrainFactory grains) : IStepUpVerifier
{
    public Task<bool> VerifyAsync(string userName, string code) =>
        string.IsNullOrWhiteSpace(code) ? Task.FromResult(false) : grains.GetGrain<IAccountGrain>(0).VerifyStepUpByNameAsync(userName, code);
}
