using Orleans.Concurrency;
using Research.Grains.Abstractions.Security;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Security;

namespace Research.Grains.Security;

/// <summary>The audit log for clients: append (the actor is the caller identity's when there is one), read and verify.</summary>
[StatelessWorker]
public sealed class AuditGrain(SecurityStorage storage) : Grain, IAuditGrain
{
    public Task AppendAsync(string actor, string action, string target, string outcome, string? reason, string? source, string? details)
    {
        var caller = CallerIdentity.Current;
        return storage.Audit.AppendAsync(new AuditEntry(caller?.Actor ?? actor, action, target, outcome, reason, source ?? caller?.Origin, details));
    }

    public async Task<IReadOnlyList<AuditRow>> ReadAsync(AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var rows = await storage.Audit.ReadAsync(new AuditQuery(Blank(filter.Actor), Blank(filter.Action), filter.Since, filter.Until, Math.Clamp(filter.Limit, 1, 1000))).ConfigureAwait(true);
        return [.. rows.Select(r => new AuditRow(r.Sequence, r.At, r.Entry.Actor, r.Entry.Action, r.Entry.Target, r.Entry.Outcome, r.Entry.Reason, r.Entry.Source, r.Entry.Details, r.Hash))];
    }

    public async Task<AuditCheck> VerifyAsync()
    {
        var v = await storage.Audit.VerifyAsync().ConfigureAwait(true);
        return new AuditCheck(v.Intact, v.Rows, v.BrokenAt, v.Problem);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
