namespace Research.Cli.Infrastructure;

/// <summary>
/// A grain's refusal of bad input (an <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> whose
/// message starts with the field, e.g. "subject: job 'x' has no stored result.") as a one-line CLI error (exit 1)
/// naming the option that carried the field.
/// </summary>
internal static class GrainRefusals
{
    /// <param name="call">The grain call.</param>
    /// <param name="fields">What a refusal starts with, and the option it maps to (a phrase followed by ": " is replaced by the option).</param>
    /// <param name="clean">Removes a prefix the grain adds before the field (e.g. "rule NAME: "), or null.</param>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, IReadOnlyList<(string Phrase, string Option)> fields, Func<string, string>? clean = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(fields);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            var text = clean?.Invoke(e.Message) ?? e.Message;
            var field = fields.FirstOrDefault(f => text.StartsWith(f.Phrase, StringComparison.Ordinal));
            if (field.Option is null)
            {
                throw new CliException(e.Message, e);
            }

            if (text.StartsWith(field.Phrase + ": ", StringComparison.Ordinal))
            {
                text = text[(field.Phrase.Length + 2)..]; // "comment: say why" under --comment reads once
            }

            throw new CliException($"{field.Option}: {text}", e);
        }
    }
}
