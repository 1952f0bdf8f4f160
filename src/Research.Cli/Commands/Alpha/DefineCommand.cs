using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Alpha;

namespace Research.Cli.Commands.Alpha;

/// <summary><c>research alpha define --spec FILE</c>: stores a signal definition under its name and version (never changed once stored).</summary>
internal static class DefineCommand
{
    public static Command Create(CliOutput output)
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The definition (JSON: name, version, description, terms [{descriptor, weight, transforms}], post).", Required = true };
        var command = new Command("define", "Store a signal definition (name and version); a stored version never changes meaning.") { spec };
        command.SetAction(async (parse, ct) =>
        {
            var definition = SignalSources.ReadSpec(parse.GetValue(spec)!, "--spec");
            var ledger = CliConfiguration.Alpha(CliConfiguration.Build(parse));
            SignalStoreOutcome outcome;
            try
            {
                outcome = await ledger.DefineAsync(definition, Environment.UserName, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message, e);
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { signal = definition.Id, sha256 = definition.Sha256, outcome = outcome == SignalStoreOutcome.Stored ? "stored" : "unchanged" });
            }
            else
            {
                output.Out.WriteLine(outcome == SignalStoreOutcome.Stored
                    ? $"stored {definition.Id} (sha256 {definition.Sha256[..12]}); evaluate it with 'research alpha evaluate --signal {definition.Id} --from D --to D'."
                    : $"{definition.Id} is already stored with this definition; nothing changed.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
