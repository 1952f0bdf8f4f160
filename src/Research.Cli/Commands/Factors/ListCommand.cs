using System.CommandLine;
using Research.Analytics.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Factors;

/// <summary><c>research factors list</c>: the registered factor definitions: formula and point-in-time inputs.</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("list", "The registered factor definitions: formula and point-in-time inputs.");
        command.SetAction(parse =>
        {
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(FactorRegistry.All.Select(d => new { name = d.Name, formula = d.Formula, pointInTime = d.PointInTime, inputs = d.Inputs.ToString(), orthogonalToSize = d.OrthogonalToSize }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Factor", "Formula", "Point in time");
            foreach (var d in FactorRegistry.All)
            {
                table.AddRow(d.Name, Markup.Escape(d.Formula), Markup.Escape(d.PointInTime));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
