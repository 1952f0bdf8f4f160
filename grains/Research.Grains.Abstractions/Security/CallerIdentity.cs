namespace Research.Grains.Abstractions.Security;

/// <summary>
/// Who is calling a grain, carried in Orleans' <see cref="RequestContext"/> (it flows with the call and on to the grains
/// that call makes). The console sets it from the signed-in user for each grain-facing action; the CLI and embedded
/// trading services set it for their own identity. The silo's authorization filter refuses calls to methods marked with
/// <see cref="RequiresActionAttribute"/> when it is missing or its role is too low. The gateway is not an authentication
/// boundary: the cluster trusts the identity its clients present, and the cluster network is kept to those clients.
/// </summary>
public sealed record CallerIdentity(string Actor, Role Role, string Origin)
{
    public const string ActorKey = "research.actor";
    public const string RoleKey = "research.role";
    public const string OriginKey = "research.origin";

    /// <summary>The identity on the current call, or null.</summary>
    public static CallerIdentity? Current
    {
        get
        {
            if (RequestContext.Get(ActorKey) is not string actor || RequestContext.Get(RoleKey) is not string role)
            {
                return null;
            }

            return new CallerIdentity(actor, ResearchActions.ParseRole(role), RequestContext.Get(OriginKey) as string ?? string.Empty);
        }
    }

    /// <summary>Puts this identity on the calls made from the current async flow.</summary>
    public void Apply()
    {
        RequestContext.Set(ActorKey, Actor);
        RequestContext.Set(RoleKey, ResearchActions.RoleName(Role));
        RequestContext.Set(OriginKey, Origin);
    }

    /// <summary>Runs <paramref name="call"/> with this identity on its grain calls; the identity does not outlive it.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Apply();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            RequestContext.Remove(ActorKey);
            RequestContext.Remove(RoleKey);
            RequestContext.Remove(OriginKey);
        }
    }
}

/// <summary>
/// Marks a grain interface method as an action of the catalogue (<see cref="ResearchActions"/>), checked in the silo.
/// Every grain method that changes something carries it, or <see cref="PlatformInternalAttribute"/> saying why not
/// (tests/Research.Architecture.Tests/GrainContractRuleTests.cs).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresActionAttribute(string action) : Attribute
{
    public string Action { get; } = action;
}

/// <summary>
/// Marks a grain interface method that changes something but is no user's action: called by the platform's own
/// machinery (the console's sign-in and session store, the audit trail, a job's own units), before any session exists or
/// on behalf of one already checked. <see cref="Reason"/> says which; a method needs this or <see cref="RequiresActionAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PlatformInternalAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}

/// <summary>Thrown (and sent back to the caller) when a grain-facing action is refused.</summary>
[GenerateSerializer]
[Alias("research.security.denied")]
public sealed class ActionDeniedException : Exception
{
    public ActionDeniedException()
    {
    }

    public ActionDeniedException(string message)
        : base(message)
    {
    }

    public ActionDeniedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ActionDeniedException(string action, string? actor, Role role)
        : base(actor is null ? $"'{action}' refused: the call carries no caller identity." : $"'{action}' refused for '{actor}' (role {ResearchActions.RoleName(role)}).")
    {
        Action = action;
    }

    [Id(0)]
    public string? Action { get; set; }
}
