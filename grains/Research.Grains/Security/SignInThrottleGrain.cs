using Research.Grains.Abstractions.Security;

namespace Research.Grains.Security;

/// <summary>
/// Failed sign-ins from one address in memory: at most <see cref="SignInThrottlePolicy.FailuresPerWindow"/> in any
/// <see cref="SignInThrottlePolicy.Window"/>. Not persisted: a silo restart forgets the counts, which costs an attacker
/// nothing they could not get by waiting, and keeps sign-in off the database for refused addresses.
/// </summary>
public sealed class SignInThrottleGrain(SignInThrottlePolicy policy, TimeProvider clock) : Grain, ISignInThrottleGrain
{
    private readonly Queue<DateTimeOffset> _failures = new();

    public Task<DateTimeOffset?> RefusedUntilAsync()
    {
        Prune();
        return Task.FromResult(_failures.Count >= policy.FailuresPerWindow ? _failures.Peek() + policy.Window : (DateTimeOffset?)null);
    }

    public Task RecordFailureAsync()
    {
        Prune();
        _failures.Enqueue(clock.GetUtcNow());
        return Task.CompletedTask;
    }

    private void Prune()
    {
        var since = clock.GetUtcNow() - policy.Window;
        while (_failures.Count > 0 && _failures.Peek() <= since)
        {
            _failures.Dequeue();
        }
    }
}

/// <summary>How many failed sign-ins one address may make in a window (<c>Research:Security:FailedSignInsPerAddress</c>, default 20 in 15 minutes).</summary>
public sealed record SignInThrottlePolicy(int FailuresPerWindow, TimeSpan Window)
{
    public static readonly SignInThrottlePolicy Default = new(20, TimeSpan.FromMinutes(15));
}
