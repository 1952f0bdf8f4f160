using Research.Analytics.Alpha.Signals;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Alpha;

namespace Research.Cli.Commands.Alpha;

/// <summary>How the alpha commands find a signal: a built-in, a stored definition (<c>name</c> or <c>name@vN</c>) or a spec file.</summary>
internal static class SignalSources
{
    public static async Task<SignalDefinition> ResolveAsync(AlphaLedger ledger, string text, CancellationToken ct)
    {
        try
        {
            return await ledger.ResolveAsync(text, ct).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--signal: {e.Message}", e);
        }
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
