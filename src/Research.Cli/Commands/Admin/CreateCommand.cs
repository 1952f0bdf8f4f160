using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin create</c>: create a user with a one-time password, printed once; the first sign-in must change it.</summary>
internal static class CreateCommand
{
    public static Command Create(CliOutput output, Option<string> user, Option<string> role, Option<string?> reason)
    {
        var command = new Command("create", "Create a user with a one-time password, printed once; the first sign-in must change it.") { user, role, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var (account, password) = await AdminCommand.Run(() => scope.Admin.CreateAsync(parse.GetValue(user)!, parse.GetValue(role)!, AdminCommand.Who(parse, reason), ct)).ConfigureAwait(false);
            var roleName = parse.GetValue(role)!.Trim().ToLowerInvariant();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { user = account.UserName, role = roleName, oneTimePassword = password });
            }
            else
            {
                output.Out.WriteLine($"created {roleName} '{account.UserName}'; one-time password (shown once, must be changed at first sign-in): {password}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
