using System.Net;
using Microsoft.Extensions.Time.Testing;
using Research.Grains.Client;
using Research.Platform.Storage.Audit;

namespace Research.Console.Tests;

/// <summary>A platform whose silo runs on a fake clock the test moves, with a 15-minute idle timeout.</summary>
public sealed class FakeClockPlatform : ConsolePlatform
{
    public const int IdleMinutes = 15;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider SiloClock => Clock;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[ConfigurationKeys.SessionIdleMinutes] = IdleMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// The idle timeout through the real console and silo, on the silo's fake clock (no real waiting): a request inside
/// the timeout keeps the session alive and renews it; a session left alone longer is refused on its next request, and
/// the end is audited.
/// </summary>
public sealed class SessionTimeoutTests(FakeClockPlatform platform) : IClassFixture<FakeClockPlatform>
{
    [Fact]
    public async Task A_session_idle_for_longer_than_the_timeout_is_refused_and_its_end_audited()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await platform.CreateUserAsync("viewer");
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);

        // Just inside the timeout, twice: each request renews the idle period, so 28 minutes in all are fine.
        platform.Clock.Advance(TimeSpan.FromMinutes(FakeClockPlatform.IdleMinutes - 1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);
        platform.Clock.Advance(TimeSpan.FromMinutes(FakeClockPlatform.IdleMinutes - 1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Status);

        // One minute past the timeout.
        platform.Clock.Advance(TimeSpan.FromMinutes(FakeClockPlatform.IdleMinutes + 1));
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
