using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Trading;

/// <summary>
/// The trading grains check their input and say what is wrong in their own words ("order: limit price NaN must be a
/// positive number"); the CLI names the option that carried it instead ("--limit-price: limit price NaN must be ...").
/// </summary>
internal static class TradingErrors
{
    private static readonly (string Prefix, string Option)[] Fields =
    [
        ("order: client order id", "--id"),
        ("client order id", "--id"),
        ("order: symbol", "--symbol"),
        ("order: quantity", "--quantity"),
        ("order: limit price", "--limit-price"),
        ("order: strategy", "--strategy"),
        ("account name", "--account"),
        ("account: ", "--account"), // "account: A is traded by strategy S"
        ("account ", "--id"), // "account A has no order 'X'"
        ("breaker scope", "--scope"),
        ("reason: ", "--reason"),
        ("strategy name", "--name"),
        ("strategy: ", "--kind"),
        ("model: ", "--model"),
        ("construction: ", "--construction"),
        ("quantile: ", "--quantile"),
        ("allocation: ", "--allocation"),
        ("symbol: ", "--symbol"),
        ("target: ", "--target"),

    ];

    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgumentException e) when (Fields.FirstOrDefault(f => e.Message.StartsWith(f.Prefix, StringComparison.Ordinal)) is { Option: not null } field)
        {
            var text = e.Message.StartsWith("order: ", StringComparison.Ordinal) ? e.Message["order: ".Length..]
                : field.Prefix.EndsWith(": ", StringComparison.Ordinal) ? e.Message[field.Prefix.Length..]
                : e.Message;
            throw new CliException($"{field.Option}: {text}", e);
        }
    }
}
