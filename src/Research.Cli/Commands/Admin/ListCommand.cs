using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Security;
using Spectre.Console;

namespace Research.Cli.Commands.Admin;

/// <summary><c>research admin list</c>: list users with their roles, strategy grants, 2FA and lockout state.</summary>
internal static class ListCommand
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("list", "List users with their roles, strategy grants, 2FA and lockout state.");
        command.SetAction(async (parse, ct) =>
        {
            await using var scope = AdminCommand.Open(parse);
            var rows = new List<(ResearchUser User, IList<string> Roles, IReadOnlyList<string> Grants)>();
            foreach (var u in await scope.Admin.Storage.Users.ListAsync(ct).ConfigureAwait(false))
            {
                rows.Add((u, await scope.Admin.Users.GetRolesAsync(u).ConfigureAwait(false), await scope.Admin.Storage.Users.GetGrantsAsync(u, ct).ConfigureAwait(false)));
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows.Select(r => new { user = r.User.UserName, roles = r.Roles, grants = r.Grants, twoFactor = r.User.TwoFactorEnabled, lockedOutUntil = r.User.LockoutEnd, disabled = r.User.Disabled, mustChangePassword = r.User.MustChangePassword, createdAt = r.User.CreatedAt }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("User", "Roles", "Grants", "2FA", "Locked out until", "Disabled", "Created (UTC)");
            foreach (var (u, roles, grants) in rows)
            {
                table.AddRow(Markup.Escape(u.UserName), string.Join(", ", roles), Markup.Escape(string.Join(", ", grants)), u.TwoFactorEnabled ? "yes" : "no",
                    u.LockoutEnd is { } end && end > TimeProvider.System.GetUtcNow() ? end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : string.Empty,
                    u.Disabled ? "yes" : "no", u.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
