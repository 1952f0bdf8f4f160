using System.Security.Cryptography;
using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Grains.Security;

/// <summary>The console's server-side sessions over <see cref="SessionStore"/>, with the timeouts of <see cref="SessionPolicy"/>.</summary>
[StatelessWorker]
public sealed class SessionDirectoryGrain(SecurityStorage storage, SessionPolicy policy, TimeProvider clock) : Grain, ISessionDirectoryGrain
{
    /// <summary>Requests closer together than this (or a quarter of the idle timeout, if shorter) do not rewrite last-seen: one write a minute per session at most.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<SessionInfo> CreateAsync(string userId, string userName, string remote, string userAgent, byte[] ticket)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var now = clock.GetUtcNow();
        var record = new SessionRecord(id, userId, userName, now, now, now + policy.Absolute, remote ?? string.Empty, userAgent ?? string.Empty);
        await storage.Sessions.CreateAsync(record, ticket).ConfigureAwait(true);
        return ToInfo(record);
    }

    public async Task<SessionLookup?> LookupAsync(string sessionId, bool touch)
    {
        var found = await storage.Sessions.GetAsync(sessionId).ConfigureAwait(true);
        if (found is not { } row)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var invalid = policy.Invalid(row.Session, now);
        if (invalid is not null && !row.Session.Ended && await storage.Sessions.EndAsync(sessionId, now, invalid).ConfigureAwait(true))
        {
            await storage.Audit.AppendAsync(new AuditEntry(row.Session.UserName, "session.end", Short(sessionId), "ok", null, row.Session.Remote, invalid)).ConfigureAwait(true);
        }
        else if (invalid is null && touch && now - row.Session.LastSeenAt >= TimeSpan.FromTicks(Math.Min(TouchEvery.Ticks, policy.Idle.Ticks / 4)))
        {
            await storage.Sessions.TouchAsync(sessionId, now).ConfigureAwait(true);
        }

        return new SessionLookup(ToInfo(row.Session), row.Ticket, invalid);
    }

    public Task RenewAsync(string sessionId, byte[] ticket) => storage.Sessions.TouchAsync(sessionId, clock.GetUtcNow(), ticket);

    public Task<bool> EndAsync(string sessionId, string reason) => storage.Sessions.EndAsync(sessionId, clock.GetUtcNow(), reason);

    public async Task<IReadOnlyList<SessionInfo>> ListForUserAsync(string userId) =>
        [.. (await storage.Sessions.ListAsync(userId).ConfigureAwait(true)).Select(ToInfo)];

    public async Task<bool> RevokeOwnAsync(string userId, string sessionId)
    {
        var found = await storage.Sessions.GetAsync(sessionId).ConfigureAwait(true);
        if (found is not { } row || !string.Equals(row.Session.UserId, userId, StringComparison.Ordinal) || !IsCaller(row.Session.UserName))
        {
            return false;
        }

        var ended = await storage.Sessions.EndAsync(sessionId, clock.GetUtcNow(), $"revoked by {row.Session.UserName}").ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(row.Session.UserName, "session.revoke", Short(sessionId), ended ? "ok" : "not-live", null, CallerIdentity.Current?.Origin, "own session")).ConfigureAwait(true);
        return ended;
    }

    public async Task<IReadOnlyList<SessionInfo>> ListAllAsync(int limit) =>
        [.. (await storage.Sessions.ListAsync(null, limit: Math.Clamp(limit, 1, 1000)).ConfigureAwait(true)).Select(ToInfo)];

    public async Task<bool> RevokeAnyAsync(string sessionId, string? reason)
    {
        var caller = CallerIdentity.Current;
        var found = await storage.Sessions.GetAsync(sessionId).ConfigureAwait(true);
        var ended = found is not null && await storage.Sessions.EndAsync(sessionId, clock.GetUtcNow(), $"revoked by {caller?.Actor ?? "the cluster"}").ConfigureAwait(true);
        await storage.Audit.AppendAsync(new AuditEntry(caller?.Actor ?? "cluster", "session.revoke", Short(sessionId), ended ? "ok" : "not-live", reason, caller?.Origin, found is { } f ? $"session of {f.Session.UserName}" : "unknown session")).ConfigureAwait(true);
        return ended;
    }

    private static bool IsCaller(string userName) => CallerIdentity.Current is not { } caller || string.Equals(caller.Actor, userName, StringComparison.Ordinal);

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    private static SessionInfo ToInfo(SessionRecord r) => new(r.Id, r.UserId, r.UserName, r.CreatedAt, r.LastSeenAt, r.ExpiresAt, r.Remote, r.UserAgent, r.EndedAt, r.EndReason);
}
