using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Security;

namespace Research.Cli.Commands.Admin;

/// <summary>
/// <c>research admin create|list|role|disable|enable|reset-password|reset-2fa</c>: console users in the relational
/// store, through the same <see cref="UserAdministration"/> as the console's admin pages (every change audited, with
/// the OS user as actor). The machine's operator is trusted here: whoever can run this can read the data root anyway.
/// </summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class AdminCommand
{
    public static Command Create(CliOutput output)
    {
        var admin = new Command("admin", "Console users: create (one-time password), list, change role, disable, re-enable, reset password or 2FA.");
        var user = new Option<string>("--user") { Description = "User name.", Required = true };
        var role = new Option<string>("--role") { Description = $"Role: {string.Join(", ", UserStore.Roles)} (default admin).", DefaultValueFactory = _ => "admin" };
        var reason = new Option<string?>("--reason") { Description = "Why (stored in the audit log)." };
        admin.Subcommands.Add(CreateCommand.Create(output, user, role, reason));
        admin.Subcommands.Add(ListCommand.Create(output));
        admin.Subcommands.Add(RoleCommand.Create(output, user, role, reason));
        admin.Subcommands.Add(ToggleCommand.Create(output, user, reason, disabled: true));
        admin.Subcommands.Add(ToggleCommand.Create(output, user, reason, disabled: false));
        admin.Subcommands.Add(ResetPasswordCommand.Create(output, user, reason));
        admin.Subcommands.Add(ResetTwoFactorCommand.Create(output, user, reason));
        return admin;
    }

    internal static AdminContext Who(ParseResult parse, Option<string?> reason) => new(Environment.UserName, $"cli@{Environment.MachineName}", parse.GetValue(reason));

    internal static async Task<ResearchUser> Find(Scope scope, string name) =>
        await scope.Admin.Users.FindByNameAsync(name.Trim()).ConfigureAwait(false) ?? throw new CliException($"--user: no user '{name}' (see 'research admin list').");

    internal static async Task<T> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliException(e.Message, e);
        }
    }

    internal static Scope Open(ParseResult parse) => Open(CliConfiguration.Security(CliConfiguration.Build(parse)));

    /// <summary>User administration over <paramref name="storage"/> (dispose the scope when done).</summary>
    public static Scope Open(SecurityStorage storage)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddResearchSecurity(storage)
            .BuildServiceProvider();
        return new Scope(provider, provider.CreateAsyncScope());
    }

    /// <summary>
    /// The first start of a platform: when there is no user at all, creates the administrator <paramref name="userName"/>
    /// and returns its one-time password (else null). <c>research up</c> prints it once.
    /// </summary>
    public static async Task<string?> CreateFirstAdminAsync(SecurityStorage storage, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (await storage.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await using var scope = Open(storage);
        var (_, password) = await scope.Admin.CreateAsync(userName, "admin", new AdminContext(Environment.UserName, $"research up@{Environment.MachineName}", "first start: no user existed"), cancellationToken).ConfigureAwait(false);
        return password;
    }

    public sealed class Scope(ServiceProvider provider, AsyncServiceScope scope) : IAsyncDisposable
    {
        public UserAdministration Admin { get; } = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        public async ValueTask DisposeAsync()
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            await provider.DisposeAsync().ConfigureAwait(false);
        }
    }
}
