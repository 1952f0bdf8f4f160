using Microsoft.AspNetCore.Authorization;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Security;

/// <summary>A named policy per action of <see cref="ResearchActions"/>: the console-side half of authorization.</summary>
public sealed record ActionRequirement(string Action) : IAuthorizationRequirement;

/// <summary>Allows when the signed-in user's role (and, for per-strategy actions with a strategy resource, their grants) allow the action.</summary>
public sealed class ActionRequirementHandler : AuthorizationHandler<ActionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ActionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var strategy = context.Resource as StrategyResource;
        if (ConsoleClaims.Allows(context.User, requirement.Action, strategy?.Strategy))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The resource of a per-strategy check (a strategy's dashboard).</summary>
public sealed record StrategyResource(string Strategy);

public static class ActionPolicies
{
    /// <summary>One policy per action, named by the action id; and every endpoint needs a signed-in user unless it says otherwise.</summary>
    public static AuthorizationBuilder AddActionPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var rule in ResearchActions.All)
        {
            builder.AddPolicy(rule.Id, p => p.RequireAuthenticatedUser().AddRequirements(new ActionRequirement(rule.Id)));
        }

        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
