using System.Globalization;
using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Alpha;

namespace Research.Cli.Commands.Alpha;

/// <summary>How the alpha commands find a signal: a built-in, a stored definition (<c>name</c> or <c>name@vN</c>) or a spec file.</summary>
internal static class SignalSources
{
    public static async Task<SignalDefinition> ResolveAsync(AlphaLedger ledger, string text, CancellationToken ct)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        int? version = null;
        if (at >= 0)
        {
            version = text[(at + 1)..] is ['v', .. var digits] && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
                ? v
                : throw new CliException($"--signal: '{text}' is not NAME or NAME@vN (e.g. momentum or value_momentum@v2).");
        }

        if (BuiltInSignals.Find(name) is { } builtIn)
        {
            return version is null or 1 ? builtIn : throw new CliException($"--signal: the built-in '{name}' has only version 1.");
        }

        return (await ledger.GetSignalAsync(name, version, ct).ConfigureAwait(false))?.Definition
            ?? throw new CliException($"--signal: no signal '{text}': built-ins are {string.Join(", ", BuiltInSignals.All.Select(s => s.Name))}; 'research alpha list' shows the stored ones, 'research alpha define --spec FILE' stores one.");
    }

    public static SignalDefinition ReadSpec(FileInfo file, string option)
    {
        if (!file.Exists)
        {
            throw new CliException($"{option}: {file.FullName} does not exist.");
        }

        try
        {
            return SignalDefinition.Parse(File.ReadAllText(file.FullName), file.Name);
        }
        catch (FormatException e)
        {
            throw new CliException($"{option}: {e.Message}", e);
        }
    }
}
