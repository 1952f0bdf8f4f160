using Microsoft.Extensions.DependencyInjection;
using Research.Platform.Storage.Security;

namespace Research.Testing;

/// <summary>A user made for a test or a benchmark, with what is needed to sign in.</summary>
public sealed record TestUser(string Name, string Role, string Password, string? TotpKey, string Id);

/// <summary>
/// Creates users ready to sign in, through the same administration service as <c>research admin</c>, then gives them a
/// known password (no one-time password step) and, when asked, an enrolled authenticator whose key is returned.
/// </summary>
public static class TestUsers
{
    public static async Task<TestUser> CreateAsync(SecurityStorage storage, string name, string role, bool twoFactor)
    {
        await using var services = new ServiceCollection().AddLogging().AddResearchSecurity(storage).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var (user, _) = await admin.CreateAsync(name, role, new AdminContext("tests", "tests", "test user")).ConfigureAwait(false);
        var password = $"{name} correct horse battery";
        user.PasswordHash = admin.Users.PasswordHasher.HashPassword(user, password);
        user.MustChangePassword = false;
        string? key = null;
        if (twoFactor)
        {
            await admin.Users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(false);
            key = await admin.Users.GetAuthenticatorKeyAsync(user).ConfigureAwait(false);
            user.TwoFactorEnabled = true;
        }

        var updated = await admin.Users.UpdateAsync(user).ConfigureAwait(false);
        if (!updated.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", updated.Errors.Select(e => e.Description)));
        }

        return new TestUser(name, role, password, key, user.Id);
    }
}
