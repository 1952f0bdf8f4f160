using System.Security.Claims;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>
/// The one way the console takes a grain-facing or administrative action, page or API alike. Before the call it checks
/// again, on the server, what the page already checked for display: the session is still live (not revoked or timed
/// out), the role (and strategy grant, API key scope) allows the action, and a destructive action carries a valid TOTP
/// code (step-up). The call then carries the user's identity to the silo, which checks the role a third time. Every
/// refusal is audited (who, what, from where, why refused); successes are audited when the action asks for it.
/// </summary>
public sealed partial class ConsoleActions(IClusterClient cluster, TimeProvider clock, ILogger<ConsoleActions> logger)
{
    /// <summary>Checks, then runs <paramref name="call"/> as <paramref name="user"/>; throws <see cref="ActionDeniedException"/> when refused.</summary>
    public async Task<T> RunAsync<T>(ClaimsPrincipal user, string action, string target, Func<Task<T>> call, ActionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(call);
        options ??= ActionOptions.Default;
        var rule = ResearchActions.Get(action);
        var signedIn = user.Identity?.IsAuthenticated == true;
        var actor = signedIn ? user.Identity!.Name ?? "?" : "anonymous";
        var (source, refusal) = await CheckCredentialAsync(user, action, rule, options.Touch).ConfigureAwait(false);

        if (refusal is null && !ResearchActions.Allows(ConsoleClaims.RoleOf(user), action, ConsoleClaims.GrantsOf(user), options.Strategy))
        {
            refusal = $"role {ResearchActions.RoleName(ConsoleClaims.RoleOf(user))} may not {action}" + (options.Strategy is null ? string.Empty : $" on strategy {options.Strategy}");
        }

        if (refusal is null && rule.StepUp)
        {
            // A grain that checks the code itself gets it unchecked: codes work once, a second check would refuse it.
            refusal = options.GrainChecksStepUp
                ? (string.IsNullOrWhiteSpace(options.StepUpCode) ? "this action needs a code from your authenticator" : null)
                : await StepUpAsync(user, options.StepUpCode).ConfigureAwait(false);
        }

        var audit = cluster.GetGrain<IAuditGrain>(0);
        if (refusal is not null)
        {
            await audit.AppendAsync(actor, action, target, "denied", options.Reason, source, refusal).ConfigureAwait(false);
            LogRefused(logger, action, target, actor, refusal);
            throw new ActionDeniedException($"Not allowed: {refusal}.");
        }

        var caller = ConsoleClaims.Caller(user, source);
        try
        {
            var result = await caller.RunAsync(call).ConfigureAwait(false);
            if (options.Audit)
            {
                await audit.AppendAsync(actor, action, target, "ok", options.Reason, source, options.Details).ConfigureAwait(false);
            }

            return result;
        }
        catch (ActionDeniedException e)
        {
            await audit.AppendAsync(actor, action, target, "denied", options.Reason, source, "refused by the silo: " + e.Message).ConfigureAwait(false);
            throw;
        }
    }

    public Task RunAsync(ClaimsPrincipal user, string action, string target, Func<Task> call, ActionOptions? options = null) =>
        RunAsync(user, action, target, async () => { await call().ConfigureAwait(false); return true; }, options);

    /// <summary>
    /// A page that takes several actions in one request (a result page reads four things) checks its session once:
    /// a live verdict is reused for <see cref="SessionRecheck"/> within this scope (one request, or one open page).
    /// </summary>
    private static readonly TimeSpan SessionRecheck = TimeSpan.FromSeconds(2);
    private (string SessionId, string Source, long At)? _liveSession;

    /// <summary>Where the request comes from, and why its credential no longer counts (null when it does).</summary>
    private async Task<(string Source, string? Refusal)> CheckCredentialAsync(ClaimsPrincipal user, string action, ActionRule rule, bool touch)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return ("console", "not signed in");
        }

        if (user.FindFirstValue(ConsoleClaims.Session) is { } sessionId)
        {
            if (_liveSession is { } live && live.SessionId == sessionId && clock.GetElapsedTime(live.At) < SessionRecheck)
            {
                return (live.Source, null);
            }

            var found = await cluster.GetGrain<ISessionDirectoryGrain>(0).LookupAsync(sessionId, touch).ConfigureAwait(false);
            if (found is null)
            {
                return ("console", "session unknown");
            }

            var source = $"console@{found.Session.Remote}";
            if (found.Invalid is { } ended)
            {
                _liveSession = null;
                return (source, $"session ended: {ended}");
            }

            _liveSession = (sessionId, source, clock.GetTimestamp());
            return (source, null);
        }

        if (user.FindFirstValue(ConsoleClaims.ApiKey) is { } keyId)
        {
            var source = $"api-key {keyId}";
            if (!user.HasClaim(ConsoleClaims.Scope, action))
            {
                return (source, $"API key {keyId} is not scoped for {action}");
            }

            return rule.StepUp ? (source, $"{action} needs a TOTP confirmation; it cannot be done with an API key") : (source, null);
        }

        return ("console", "no session");
    }

    private async Task<string?> StepUpAsync(ClaimsPrincipal user, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return "this action needs a code from your authenticator";
        }

        if (!user.HasClaim(c => c.Type == ConsoleClaims.TwoFactor))
        {
            return "this action needs an enrolled authenticator (Account, Two-factor)";
        }

        var ok = await cluster.GetGrain<IAccountGrain>(0).VerifyStepUpAsync(ConsoleClaims.UserId(user) ?? string.Empty, code).ConfigureAwait(false);
        return ok ? null : "the authenticator code is wrong or expired";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Action} on {Target} for {Actor}: {Why}")]
    private static partial void LogRefused(ILogger logger, string action, string target, string actor, string why);
}

/// <summary>
/// Per-action options: the step-up code, the strategy of a per-strategy action, the reason, whether to audit success,
/// and whether the action counts as the user's activity (<see cref="Touch"/>; a page's own refresh timer does not, so
/// an open page left alone still reaches the idle timeout). <see cref="GrainChecksStepUp"/>: the grain verifies the
/// code itself (a breaker reset), so the console only requires one and passes it on.
/// </summary>
public sealed record ActionOptions(string? StepUpCode = null, string? Strategy = null, string? Reason = null, bool Audit = true, string? Details = null, bool Touch = true,
    bool GrainChecksStepUp = false)
{
    public static ActionOptions Default { get; } = new();
}
