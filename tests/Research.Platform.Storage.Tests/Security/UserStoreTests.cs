using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Research.Platform.Storage.Security;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Security;

/// <summary>Identity's UserManager over our user store, on SQLite and PostgreSQL: passwords, roles, lockout, TOTP, recovery codes.</summary>
public sealed class UserStoreTests
{
    private static async Task<(ServiceProvider Services, UserManager<ResearchUser> Users, IAsyncDisposable Resources)> CreateAsync(string kind)
    {
        var (storage, stores) = await SecurityStores.OpenAsync(kind, TimeProvider.System);
        var services = new ServiceCollection()
            .AddLogging()
            .AddResearchIdentity(storage.Users)
            .BuildServiceProvider();
        return (services, services.GetRequiredService<UserManager<ResearchUser>>(), new Resources(services, stores));
    }

    private sealed class Resources(ServiceProvider services, IAsyncDisposable stores) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            await stores.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Passwords_roles_and_lockout_after_five_wrong_passwords(string kind)
    {
        var (_, users, resources) = await CreateAsync(kind);
        await using var _ = resources;
        var alice = new ResearchUser { UserName = "Alice", CreatedAt = DateTimeOffset.UtcNow };
        Assert.False((await users.CreateAsync(alice, "short")).Succeeded); // too short: refused by Identity's validators
        var created = await users.CreateAsync(alice, "correct horse battery");
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        Assert.False((await users.CreateAsync(new ResearchUser { UserName = "alice" }, "another long password")).Succeeded); // names are case-insensitive

        var found = (await users.FindByNameAsync("ALICE"))!;
        Assert.Equal(alice.Id, found.Id);
        Assert.NotEqual("correct horse battery", found.PasswordHash);
        Assert.True(await users.CheckPasswordAsync(found, "correct horse battery"));

        await users.AddToRoleAsync(found, "researcher");
        Assert.Equal(["researcher"], await users.GetRolesAsync(found));
        Assert.True(await users.IsInRoleAsync(found, "researcher"));
        await Assert.ThrowsAsync<ArgumentException>(() => users.AddToRoleAsync(found, "superuser"));

        // What the sign-in does on each wrong password: count it; the fifth locks the account.
        var stale = (await users.FindByIdAsync(alice.Id))!;
        for (var i = 0; i < 5; i++)
        {
            Assert.False(await users.IsLockedOutAsync(found));
            Assert.False(await users.CheckPasswordAsync(found, "wrong password " + i));
            await users.AccessFailedAsync(found);
        }

        var reloaded = (await users.FindByIdAsync(alice.Id))!;
        Assert.True(await users.IsLockedOutAsync(reloaded));
        Assert.InRange(reloaded.LockoutEnd!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));

        // A copy read before those changes cannot overwrite them (it would unlock the account).
        stale.Disabled = true;
        Assert.Equal("ConcurrencyFailure", Assert.Single((await users.UpdateAsync(stale)).Errors).Code);
        Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(alice.Id))!));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_authenticator_code_verifies_and_recovery_codes_work_once(string kind)
    {
        var (_, users, resources) = await CreateAsync(kind);
        await using var _ = resources;
        var bob = new ResearchUser { UserName = "bob", CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await users.CreateAsync(bob, "a long enough password")).Succeeded);
        await users.ResetAuthenticatorKeyAsync(bob);
        var key = (await users.GetAuthenticatorKeyAsync(bob))!;
        var code = Totp.Code(key, DateTimeOffset.UtcNow);
        Assert.True(await users.VerifyTwoFactorTokenAsync(bob, TokenOptions.DefaultAuthenticatorProvider, code));
        Assert.False(await users.VerifyTwoFactorTokenAsync(bob, TokenOptions.DefaultAuthenticatorProvider, code)); // a code works once
        Assert.False(await users.VerifyTwoFactorTokenAsync(bob, TokenOptions.DefaultAuthenticatorProvider, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(-30)))); // nor does an earlier one
        Assert.True(await users.VerifyTwoFactorTokenAsync(bob, TokenOptions.DefaultAuthenticatorProvider, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30))));
        Assert.False(await users.VerifyTwoFactorTokenAsync(bob, TokenOptions.DefaultAuthenticatorProvider, code == "000000" ? "111111" : "000000"));
        await users.SetTwoFactorEnabledAsync(bob, true);

        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(bob, 10))!.ToList();
        var stored = (await users.FindByIdAsync(bob.Id))!;
        Assert.True(stored.TwoFactorEnabled);
        Assert.Equal(10, stored.RecoveryCodeHashes.Count);
        Assert.DoesNotContain(codes[0], stored.RecoveryCodeHashes); // hashed at rest
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[0])).Succeeded);
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[0])).Succeeded);
        Assert.Equal(9, await users.CountRecoveryCodesAsync((await users.FindByIdAsync(bob.Id))!));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Of_two_racing_uses_of_one_time_step_exactly_one_wins(string kind)
    {
        var (services, users, resources) = await CreateAsync(kind);
        await using var _ = resources;
        var store = services.GetRequiredService<UserStore>();
        var carol = new ResearchUser { UserName = "carol", CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await users.CreateAsync(carol, "a long enough password")).Succeeded);
        var ct = TestContext.Current.CancellationToken;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryUseTotpStepAsync(carol.Id, 1000, ct), ct)));
        Assert.Single(outcomes, won => won);
        Assert.False(await store.TryUseTotpStepAsync(carol.Id, 999, ct));
        Assert.True(await store.TryUseTotpStepAsync(carol.Id, 1001, ct));
    }
}
