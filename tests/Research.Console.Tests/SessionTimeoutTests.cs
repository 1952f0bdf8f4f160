using System.Net;
using Research.Grains.Client;
using Research.Platform.Storage.Audit;

namespace Research.Console.Tests;

/// <summary>A platform whose sessions end after three seconds without a request (the silo reads the timeout).</summary>
public sealed class ShortSessionPlatform : ConsolePlatform
{
    public const double IdleSeconds = 3;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[ConfigurationKeys.SessionIdleMinutes] = (IdleSeconds / 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The idle timeout through the real console: a session left alone longer than the timeout is refused on its next request, and the end is audited.</summary>
public sealed class SessionTimeoutTests(ShortSessionPlatform platform) : IClassFixture<ShortSessionPlatform>
{
    [Fact]
    public async Task A_session_idle_for_longer_than_the_timeout_is_refused_and_its_end_audited()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await platform.CreateUserAsync("viewer");
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);

        // Leave it alone for twice the timeout (the wait only has to exceed it; nothing is measured).
        await Task.Delay(TimeSpan.FromSeconds(2 * ShortSessionPlatform.IdleSeconds), ct);
        var (status, location, _) = await client.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/signin", location, StringComparison.Ordinal);

        var ended = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: user.Name, Action: "session.end", Limit: 5), ct);
        Assert.StartsWith("idle timeout", Assert.Single(ended).Entry.Details, StringComparison.Ordinal);

        // Signing in again gives a new, live session.
        Assert.Equal("/", await client.SignInAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
    }
}
