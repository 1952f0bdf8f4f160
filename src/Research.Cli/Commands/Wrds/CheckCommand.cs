using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Data.Providers.Wrds;

namespace Research.Cli.Commands.Wrds;

/// <summary><c>research wrds check</c>: log in to WRDS, detect the CRSP format and check every table a sync reads: exists, readable, estimated rows and size.</summary>
internal static class CheckCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("check", "Log in to WRDS, detect the CRSP format and check every table a sync reads: exists, readable, estimated rows and size.");
        foreach (var option in WrdsConnectionOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            await using var client = WrdsConnectionOptions.CreateClient(parse, configuration);
            var source = new WrdsSyncSource(client, WrdsConnectionOptions.ParseFormat(parse));
            var format = await source.FormatAsync(ct).ConfigureAwait(false);
            var rows = new List<WrdsCheckRow>();
            foreach (var dataset in source.Datasets)
            {
                var query = await source.QueryForAsync(dataset, ct).ConfigureAwait(false);
                try
                {
                    var estimate = await source.EstimateAsync(dataset, ct).ConfigureAwait(false);
                    rows.Add(new WrdsCheckRow(dataset, string.Join(", ", query.Tables), "ok", estimate.Rows, estimate.Bytes));
                }
                catch (WrdsException e) when (e.Kind is WrdsErrorKind.MissingTable or WrdsErrorKind.Permission or WrdsErrorKind.SchemaMismatch)
                {
                    rows.Add(new WrdsCheckRow(dataset, string.Join(", ", query.Tables), e.Message, null, null));
                }
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { server = client.Target, crspFormat = format.ToString().ToUpperInvariant(), datasets = rows });
            }
            else
            {
                output.Out.WriteLine($"Logged in: {client.Target}; CRSP format {format.ToString().ToUpperInvariant()}.");
                foreach (var row in rows)
                {
                    output.Out.WriteLine(row.Status == "ok"
                        ? $"  {row.Dataset,-26} {row.Tables,-40} ~{row.EstimatedRows:N0} rows, ~{row.EstimatedBytes / 1048576.0:N1} MiB"
                        : $"  {row.Dataset,-26} {row.Tables,-40} {row.Status}");
                }
            }

            return rows.All(r => r.Status == "ok") ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

/// <summary>One dataset's line of <c>research wrds check</c>.</summary>
internal sealed record WrdsCheckRow(string Dataset, string Tables, string Status, long? EstimatedRows, long? EstimatedBytes);
