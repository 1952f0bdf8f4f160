namespace Research.Grains.Abstractions.Security;

/// <summary>
/// Failed sign-ins from one client address (key = the address the console reports), counted across every account name,
/// existing or not, in a sliding window. Over the limit the address is refused until its oldest counted failure leaves
/// the window. This stops a guesser without locking anyone's account (<c>docs/CONCEPTS/analytics-security.md</c>).
/// </summary>
[Alias("research.security.signin-throttle")]
public interface ISignInThrottleGrain : IGrainWithStringKey
{
    /// <summary>Until when the address is refused, or null when it may try.</summary>
    [Alias("refused-until")]
    [PlatformInternal("sign-in: asked before a password or code is checked")]
    Task<DateTimeOffset?> RefusedUntilAsync();

    /// <summary>Counts one failed password or code from this address.</summary>
    [Alias("failed")]
    [PlatformInternal("sign-in: every wrong user name, password or code counts")]
    Task RecordFailureAsync();
}
