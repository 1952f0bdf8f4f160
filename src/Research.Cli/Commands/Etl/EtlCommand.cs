using System.CommandLine;
using Research.Data.Etl;

namespace Research.Cli.Commands.Etl;

/// <summary><c>research etl run|status|schedule</c>: the historical ETL into <c>prices/daily</c> and <c>yahoo/daily</c>.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class EtlCommand
{
    public static Command Create(Infrastructure.CliOutput output)
    {
        var etl = new Command("etl", $"The historical ETL: fetch, validate, align to NYSE sessions and load new rows into {string.Join(" or ", EtlRequest.Datasets)} as new versions.");
        etl.Subcommands.Add(RunCommand.Create(output));
        etl.Subcommands.Add(StatusCommand.Create(output));
        etl.Subcommands.Add(ScheduleCommand.Create(output));
        return etl;
    }

    /// <summary><c>--dataset</c>, limited to what the ETL loads.</summary>
    internal static Option<string> Dataset(bool required) => new("--dataset")
    {
        Description = $"The dataset: {string.Join(" or ", EtlRequest.Datasets)}{(required ? string.Empty : " (default: both)")}.",
        Required = required,
        Validators =
        {
            r =>
            {
                var value = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (value is not null && !EtlRequest.Datasets.Contains(value))
                {
                    r.AddError($"--dataset: '{value}' is not loaded by the ETL; use {string.Join(" or ", EtlRequest.Datasets)}.");
                }
            },
        },
    };

    /// <summary>The chain a dataset uses when <c>--source</c> is not given: Yahoo and its cache for <c>yahoo/daily</c>.</summary>
    internal static string? DefaultSource(string dataset, string? given) => given ?? (dataset == "yahoo/daily" ? "yahoo,cache" : null);
}
