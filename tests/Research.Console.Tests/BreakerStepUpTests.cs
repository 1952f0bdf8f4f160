using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>The breaker checks a reset's authenticator code itself, against the platform's real account store.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BreakerStepUpTests(ConsolePlatform platform)
{
    [Fact]
    public async Task A_reset_passes_with_the_operators_current_code_and_not_with_another_users_or_none()
    {
        var ops = await platform.CreateUserAsync("operator", twoFactor: true);
        var other = await platform.CreateUserAsync("operator", twoFactor: true);
        var breaker = platform.Cluster.GetGrain<ICircuitBreakerGrain>("account:stepup-" + Guid.NewGuid().ToString("N")[..8]);
        var caller = new CallerIdentity(ops.Name, Role.Operator, "tests");
        await caller.RunAsync(() => breaker.TripAsync("test"));

        var wrongUser = await Assert.ThrowsAsync<InvalidOperationException>(() => caller.RunAsync(() => breaker.ResetAsync("reopen", Totp.Code(other.TotpKey!, DateTimeOffset.UtcNow))));
        Assert.Contains($"a reset needs a current code from {ops.Name}'s authenticator", wrongUser.Message, StringComparison.Ordinal);
        var view = await caller.RunAsync(() => breaker.ResetAsync("reopen", Totp.Code(ops.TotpKey!, DateTimeOffset.UtcNow)));
        Assert.False(view.Tripped);
        Assert.Equal(["reset", "reset-refused", "trip"], (await caller.RunAsync(() => breaker.HistoryAsync(5))).Select(e => e.Action));
    }
}
