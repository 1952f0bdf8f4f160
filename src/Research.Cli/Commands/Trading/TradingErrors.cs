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
        ("account ", "--id"), // "account A has no order 'X'"
        ("breaker scope", "--scope"),
        ("reason: ", "--reason"),
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
                : e.Message.StartsWith("reason: ", StringComparison.Ordinal) ? e.Message["reason: ".Length..]
                : e.Message;
            throw new CliException($"{field.Option}: {text}", e);
        }
    }
}
