using Microsoft.Extensions.Time.Testing;
using Research.Cli.Infrastructure;

namespace Research.Cli.Tests;

/// <summary>Cluster calls from the CLI ride through a lost silo for three minutes, saying so in one line each way.</summary>
public sealed class CliRideThroughTests
{
    /// <summary>Moves the fake clock on in 2-second steps (each retry's wait) until the call has finished.</summary>
    private static async Task<T> DriveAsync<T>(FakeTimeProvider clock, Task<T> call)
    {
        await Research.Testing.Eventually.UntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            return Task.FromResult(call.IsCompleted);
        }, done => done, "the call to finish", interval: TimeSpan.FromMilliseconds(5), cancellationToken: TestContext.Current.CancellationToken);
        return await call;
    }

    [Fact]
    public async Task A_call_that_fails_while_a_silo_is_lost_is_tried_again_and_the_user_reads_two_lines()
    {
        using var error = new StringWriter();
        var output = new CliOutput(TextWriter.Null, error, interactive: false);
        var clock = new FakeTimeProvider();
        var calls = new CliRideThrough(output, clock);
        var attempts = 0;
        var result = await DriveAsync(clock, calls.CallAsync(() => ++attempts <= 3 ? throw new SiloUnavailableException("silo S10.0.0.7:11111 is dead") : Task.FromResult(42), "waiting for job bt-1", TestContext.Current.CancellationToken));
        Assert.Equal(42, result);
        Assert.Equal(4, attempts);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("lost the connection to the cluster while waiting for job bt-1 (SiloUnavailableException: silo S10.0.0.7:11111 is dead)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("connection to the cluster is back after 6 s; waiting for job bt-1 goes on", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_calls_own_error_is_not_retried_and_a_cluster_gone_for_three_minutes_ends_the_command()
    {
        var output = new CliOutput(TextWriter.Null, TextWriter.Null, interactive: false);
        var clock = new FakeTimeProvider();
        var attempts = 0;
        await Assert.ThrowsAsync<ArgumentException>(() => new CliRideThrough(output, clock).CallAsync<int>(() => { attempts++; throw new ArgumentException("quantile must be in (0, 0.5]"); }, "submitting", TestContext.Current.CancellationToken));
        Assert.Equal(1, attempts);

        var gone = new CliRideThrough(output, clock).CallAsync<int>(() => throw new TimeoutException("no response"), "submitting", TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<Research.Cli.Infrastructure.CliException>(() => DriveAsync(clock, gone));
        Assert.Contains("The cluster did not answer for 3 minutes while submitting", e.Message, StringComparison.Ordinal);
    }
}
