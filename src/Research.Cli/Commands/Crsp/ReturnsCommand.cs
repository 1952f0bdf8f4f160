using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Crsp;

/// <summary><c>research crsp returns</c>: daily returns of one security, with its delisting return (missing performance delisting returns: -30%, Shumway 1997).</summary>
internal static class ReturnsCommand
{
    public static Command Create(CliOutput output)
    {
        var permno = new Option<int>("--permno") { Description = "CRSP PERMNO.", Required = true };
        var from = CliOptions.Date("--from", "First date (YYYY-MM-DD).");
        var to = CliOptions.Date("--to", "Last date (YYYY-MM-DD).");
        var command = new Command("returns", "Daily returns of one security, with its delisting return (missing performance delisting returns: -30%, Shumway 1997).") { permno, from, to };
        permno.Positive();
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(parse => CrspCommand.Run(parse, output, crspProvider =>
        {
            var list = crspProvider.Returns(parse.GetValue(permno), parse.GetValue(from), parse.GetValue(to));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return;
            }

            foreach (var r in list)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Date:yyyy-MM-dd} {(r.Return is { } x ? x.ToString("F6", CultureInfo.InvariantCulture) : "NULL"),10} {(r.Price is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : string.Empty),12}{(r.IsDelisting ? " delisting" + (r.DelistingReturnImputed ? " (imputed)" : string.Empty) : string.Empty)}"));
            }
        }));
        return command;
    }
}
