using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Platform.Storage.Tests.Security;

/// <summary>Server-side sessions, API keys, strategy grants and user administration on SQLite and PostgreSQL.</summary>
public sealed class SessionAndApiKeyStoreTests
{
    private static Task<(SecurityStorage Storage, IAsyncDisposable Resources)> OpenAsync(string kind, TimeProvider clock) => SecurityStores.OpenAsync(kind, clock);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Sessions_time_out_when_idle_or_old_and_a_revoked_one_stays_ended(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var (storage, resources) = await OpenAsync(kind, clock);
        await using var _ = resources;
        var ct = TestContext.Current.CancellationToken;
        var policy = new SessionPolicy(TimeSpan.FromMinutes(30), TimeSpan.FromHours(12));
        var now = clock.GetUtcNow();
        SessionRecord Session(string id) => new(id, "u1", "alice", now, now, now + policy.Absolute, "127.0.0.1", "test agent");
        await storage.Sessions.CreateAsync(Session("s1"), [1, 2, 3], ct);
        await storage.Sessions.CreateAsync(Session("s2"), [4], ct);
        await storage.Sessions.CreateAsync(Session("s3"), [5], ct);

        var (s1, ticket) = (await storage.Sessions.GetAsync("s1", ct))!.Value;
        Assert.Equal(new byte[] { 1, 2, 3 }, ticket);
        Assert.Null(policy.Invalid(s1, now.AddMinutes(29)));
        Assert.StartsWith("idle timeout", policy.Invalid(s1, now.AddMinutes(30)), StringComparison.Ordinal);

        // A request at 20 minutes keeps it alive for another 30; it still ends 12 hours after sign-in.
        await storage.Sessions.TouchAsync("s1", now.AddMinutes(20), [9], ct);
        (s1, ticket) = (await storage.Sessions.GetAsync("s1", ct))!.Value;
        Assert.Equal(new byte[] { 9 }, ticket);
        Assert.Null(policy.Invalid(s1, now.AddMinutes(45)));
        Assert.StartsWith("absolute timeout", policy.Invalid(s1 with { LastSeenAt = now.AddHours(12) }, now.AddHours(12)), StringComparison.Ordinal);

        Assert.True(await storage.Sessions.EndAsync("s2", now.AddMinutes(1), "revoked by alice", ct));
        Assert.False(await storage.Sessions.EndAsync("s2", now.AddMinutes(2), "again", ct)); // already ended
        await storage.Sessions.TouchAsync("s2", now.AddMinutes(3), cancellationToken: ct); // a late request cannot revive it
        var s2 = (await storage.Sessions.GetAsync("s2", ct))!.Value.Session;
        Assert.Equal("revoked by alice", policy.Invalid(s2, now.AddMinutes(3)));

        Assert.Equal(["s3", "s1"], (await storage.Sessions.ListAsync("u1", cancellationToken: ct)).Select(s => s.Id).Order().Reverse());
        Assert.Equal(1, await storage.Sessions.EndAllAsync("u1", now.AddMinutes(5), "disabled", keep: "s1", ct));
        Assert.Equal(["s1"], (await storage.Sessions.ListAsync("u1", cancellationToken: ct)).Select(s => s.Id));
        Assert.Equal(3, (await storage.Sessions.ListAsync(null, includeEnded: true, cancellationToken: ct)).Count);
        Assert.Null(await storage.Sessions.GetAsync("nope", ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_api_key_is_shown_once_stored_hashed_and_refused_when_wrong_expired_or_revoked(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var (storage, resources) = await OpenAsync(kind, clock);
        await using var _ = resources;
        var ct = TestContext.Current.CancellationToken;
        var now = clock.GetUtcNow();
        var (key, secret) = await storage.ApiKeys.CreateAsync("u1", "nightly job", ["backtest.view", "backtest.submit"], now, TimeSpan.FromDays(30), ct);
        Assert.Matches("^rk_[0-9a-f]{16}_[0-9a-f]{64}$", secret);

        var verified = await storage.ApiKeys.VerifyAsync(secret, now.AddDays(1), ct);
        Assert.NotNull(verified);
        Assert.Equal(["backtest.view", "backtest.submit"], verified.Scopes);
        Assert.Equal(now.AddDays(1), (await storage.ApiKeys.ListAsync("u1", ct)).Single().LastUsedAt);

        var wrong = secret[..^1] + (secret[^1] == '0' ? '1' : '0');
        Assert.Null(await storage.ApiKeys.VerifyAsync(wrong, now, ct));
        Assert.Null(await storage.ApiKeys.VerifyAsync("rk_" + key.Id, now, ct));
        Assert.Null(await storage.ApiKeys.VerifyAsync("Bearer nonsense", now, ct));
        Assert.Null(await storage.ApiKeys.VerifyAsync(secret, now.AddDays(30), ct)); // expired

        Assert.False(await storage.ApiKeys.RevokeAsync(key.Id, "someone-else", now, ct)); // not theirs
        Assert.True(await storage.ApiKeys.RevokeAsync(key.Id, "u1", now.AddDays(2), ct));
        Assert.Null(await storage.ApiKeys.VerifyAsync(secret, now.AddDays(3), ct));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ApiKeys.CreateAsync("u1", "forever", ["backtest.view"], now, TimeSpan.FromDays(400), ct));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.ApiKeys.CreateAsync("u1", "none", [], now, TimeSpan.FromDays(1), ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Disabling_a_user_ends_sessions_revokes_keys_and_blocks_sign_in_and_every_change_is_audited(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var (storage, resources) = await OpenAsync(kind, clock);
        await using var _ = resources;
        var ct = TestContext.Current.CancellationToken;
        await using var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock).AddResearchSecurity(storage).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var who = new AdminContext("root", "tests", "because");

        var (bob, password) = await admin.CreateAsync("bob", "viewer", who, ct);
        Assert.True(bob.MustChangePassword);
        Assert.True(await admin.Users.CheckPasswordAsync(bob, password));
        await admin.SetGrantsAsync(bob, ["momentum", "value"], who, ct);
        Assert.Equal(["momentum", "value"], await storage.Users.GetGrantsAsync(bob, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.SetGrantsAsync(bob, ["x'; drop table research_users; --"], who, ct));
        Assert.Equal(["momentum", "value"], await storage.Users.GetGrantsAsync(bob, ct)); // nothing half-applied

        var now = clock.GetUtcNow();
        await storage.Sessions.CreateAsync(new SessionRecord("b1", bob.Id, "bob", now, now, now.AddHours(1), "::1", "ua"), [0], ct);
        var (_, secret) = await storage.ApiKeys.CreateAsync(bob.Id, "k", ["backtest.view"], now, TimeSpan.FromDays(1), ct);
        await admin.SetRoleAsync(bob, "researcher", who, ct);
        Assert.Equal(["researcher"], await admin.Users.GetRolesAsync(bob));
        Assert.Empty(await storage.Sessions.ListAsync(bob.Id, cancellationToken: ct)); // role change ends sessions

        await storage.Sessions.CreateAsync(new SessionRecord("b2", bob.Id, "bob", now, now, now.AddHours(1), "::1", "ua"), [0], ct);
        var stamp = bob.SecurityStamp;
        await admin.SetDisabledAsync(bob, true, who, ct);
        var stored = (await admin.Users.FindByNameAsync("bob"))!;
        Assert.True(stored.Disabled);
        Assert.NotEqual(stamp, stored.SecurityStamp);
        Assert.Empty(await storage.Sessions.ListAsync(bob.Id, cancellationToken: ct));
        Assert.Null(await storage.ApiKeys.VerifyAsync(secret, now, ct));
        await admin.SetDisabledAsync(stored, false, who, ct);
        Assert.False((await admin.Users.FindByNameAsync("bob"))!.Disabled);

        var root = (await admin.CreateAsync("root", "admin", who, ct)).User;
        await Assert.ThrowsAsync<InvalidOperationException>(() => admin.SetDisabledAsync(root, true, who, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateAsync("bad name!", "viewer", who, ct));

        var log = await storage.Audit.ReadAsync(new AuditQuery(Limit: 100), ct);
        var seen = log.Select(r => $"{r.Entry.Action}:{r.Entry.Target}:{r.Entry.Outcome}").ToList();
        foreach (var expected in new[] { "admin.user.create:bob:ok", "admin.user.grants:bob:ok", "admin.user.role:bob:ok", "admin.user.disable:bob:ok", "admin.user.enable:bob:ok", "admin.user.disable:root:refused", "admin.user.create:bad name!:refused" })
        {
            Assert.Contains(expected, seen);
        }

        Assert.All(log, r => Assert.Equal("because", r.Entry.Reason));
        Assert.True((await storage.Audit.VerifyAsync(ct)).Intact);
    }
}
