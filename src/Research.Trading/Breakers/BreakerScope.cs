namespace Research.Trading.Breakers;

/// <summary>What a circuit breaker covers: everything, one strategy's orders, or one account's.</summary>
public enum BreakerScopeKind
{
    Global,
    Strategy,
    Account,
}

/// <summary>
/// A breaker's scope and its key: <c>global</c>, <c>strategy:NAME</c> or <c>account:NAME</c> (names: lower-case
/// letters, digits, '_', '-' and '.', at most 64). An order is covered by the global breaker, its account's and, when it
/// carries one, its strategy's (<see cref="Of"/>): it may go out only while all of them are closed.
/// </summary>
public readonly record struct BreakerScope
{
    private BreakerScope(BreakerScopeKind kind, string name) => (Kind, Name) = (kind, name);

    public BreakerScopeKind Kind { get; }

    /// <summary>The strategy or account; empty for the global scope.</summary>
    public string Name { get; }

    public static BreakerScope Global { get; } = new(BreakerScopeKind.Global, string.Empty);

    public string Key => Kind switch
    {
        BreakerScopeKind.Global => "global",
        BreakerScopeKind.Strategy => "strategy:" + Name,
        _ => "account:" + Name,
    };

    public static BreakerScope Strategy(string name) => new(BreakerScopeKind.Strategy, Checked(name, "strategy"));

    public static BreakerScope Account(string name) => new(BreakerScopeKind.Account, Checked(name, "account"));

    /// <summary>The scopes an order of <paramref name="account"/> (and <paramref name="strategy"/>, when given) is covered by, widest first.</summary>
    public static IReadOnlyList<BreakerScope> Of(string account, string? strategy) =>
        strategy is null ? [Global, Account(account)] : [Global, Account(account), Strategy(strategy)];

    /// <summary>Reads a key; an <see cref="ArgumentException"/> naming what is accepted otherwise.</summary>
    public static BreakerScope Parse(string? key) => key switch
    {
        "global" => Global,
        ['s', 't', 'r', 'a', 't', 'e', 'g', 'y', ':', .. var name] => Strategy(name),
        ['a', 'c', 'c', 'o', 'u', 'n', 't', ':', .. var name] => Account(name),
        _ => throw new ArgumentException($"breaker scope '{key}' is not 'global', 'strategy:NAME' or 'account:NAME'."),
    };

    /// <summary>What is wrong with a strategy or account name, or null.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.')
            ? $"'{name}' must be 1 to 64 lower-case letters, digits, '_', '-' or '.'"
            : null;

    public override string ToString() => Key;

    private static string Checked(string name, string what) =>
        NameProblem(name) is { } problem ? throw new ArgumentException($"{what} name {problem}.") : name;
}
