using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Security;

/// <summary>
/// The grain-side half of authorization: a call from a client (console, CLI, trading service) to a grain method marked
/// <see cref="RequiresActionAttribute"/> runs only when the call's <see cref="CallerIdentity"/> has a role the action
/// allows (<see cref="ResearchActions"/>). Calls between grains of the cluster (a scheduler polling its jobs) are the
/// cluster's own and pass. A refusal throws <see cref="ActionDeniedException"/> back to the caller, which audits it.
/// </summary>
public sealed partial class ActionAuthorizationFilter(ILogger<ActionAuthorizationFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, string?> Actions = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = Actions.GetOrAdd(context.InterfaceMethod, m => m.GetCustomAttribute<RequiresActionAttribute>()?.Action);
        if (action is null || !FromClient(context.SourceId))
        {
            return context.Invoke();
        }

        var caller = CallerIdentity.Current;
        if (caller is null || !ResearchActions.Allows(caller.Role, action))
        {
            LogDenied(logger, action, caller?.Actor ?? "(no identity)", caller?.Role ?? Role.None, context.InterfaceMethod.Name);
            throw new ActionDeniedException(action, caller?.Actor, caller?.Role ?? Role.None);
        }

        return context.Invoke();
    }

    private static bool FromClient(GrainId? source) => source is { } id && id.Type.ToString()!.StartsWith(GrainTypePrefix.ClientPrefix, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Action} for {Actor} (role {Role}) calling {Method}")]
    private static partial void LogDenied(ILogger logger, string action, string actor, Role role, string method);
}
