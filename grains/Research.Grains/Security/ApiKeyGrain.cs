using Microsoft.AspNetCore.Identity;
using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Grains.Security;

/// <summary>API keys over <see cref="ApiKeyStore"/>: created for one's own account with scopes the owner's role allows.</summary>
[StatelessWorker]
public sealed class ApiKeyGrain(UserManager<ResearchUser> users, SecurityStorage storage, TimeProvider clock) : Grain, IApiKeyGrain
{
    public async Task<(ApiKeyInfo Key, string Secret)> CreateAsync(string userId, string name, IReadOnlyList<string> scopes, int days)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        var role = ResearchActions.Highest(await users.GetRolesAsync(user).ConfigureAwait(true));
        foreach (var scope in scopes ?? [])
        {
            var rule = ResearchActions.All.FirstOrDefault(a => a.Id == scope) ?? throw new ArgumentException($"scope '{scope}' is not an action.");
            if (!ResearchActions.Allows(role, scope) || rule.StepUp || scope == ResearchActions.AccountSelf)
            {
                throw new ArgumentException($"scope '{scope}' is not available to an API key of a {ResearchActions.RoleName(role)}.");
            }
        }

        var (key, secret) = await storage.ApiKeys.CreateAsync(user.Id, name, scopes ?? [], clock.GetUtcNow(), TimeSpan.FromDays(days)).ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "apikey.create", key.Id, "ok", null, CallerIdentity.Current?.Origin, $"'{key.Name}' scopes {string.Join(",", key.Scopes)} until {key.ExpiresAt:yyyy-MM-dd}")).ConfigureAwait(true);
        return (ToInfo(key), secret);
    }

    public async Task<ApiKeyPrincipal?> VerifyAsync(string presented)
    {
        var key = await storage.ApiKeys.VerifyAsync(presented, clock.GetUtcNow()).ConfigureAwait(true);
        if (key is null)
        {
            return null;
        }

        var owner = await users.FindByIdAsync(key.UserId).ConfigureAwait(true);
        return owner is null || owner.Disabled ? null : new ApiKeyPrincipal(ToInfo(key), await AccountViews.ToViewAsync(users, storage.Users, owner, clock.GetUtcNow()).ConfigureAwait(true));
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        return [.. (await storage.ApiKeys.ListAsync(user.Id).ConfigureAwait(true)).Select(ToInfo)];
    }

    public async Task<bool> RevokeAsync(string userId, string keyId)
    {
        var user = await SelfAsync(userId).ConfigureAwait(true);
        var revoked = await storage.ApiKeys.RevokeAsync(keyId, user.Id, clock.GetUtcNow()).ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(user.UserName, "apikey.revoke", keyId, revoked ? "ok" : "not-live", null, CallerIdentity.Current?.Origin)).ConfigureAwait(true);
        return revoked;
    }

    private Task<ResearchUser> SelfAsync(string userId) => AccountViews.RequireSelfAsync(users, userId);

    private static ApiKeyInfo ToInfo(ApiKeyRecord k) => new(k.Id, k.UserId, k.Name, k.Scopes, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}
