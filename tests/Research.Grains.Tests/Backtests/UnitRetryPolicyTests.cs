using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>A unit is asked again by time after a lost silo (longer than failure detection), by count after its own error.</summary>
public sealed class UnitRetryPolicyTests
{
    private static readonly BacktestJobOptions Options = new();

    /// <summary>Plays the policy out for one error: the attempts made and the time spent before it gives up.</summary>
    private static (int Attempts, TimeSpan Spent) PlayOut(Exception error, double jitter)
    {
        var spent = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            if (UnitRetryPolicy.NextDelay(error, attempt, spent, Options, jitter) is not { } delay)
            {
                return (attempt, spent);
            }

            Assert.InRange(delay, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(7.5));
            spent += delay;
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.999)]
    public void A_lost_silo_is_asked_again_for_the_whole_retry_window_not_six_times(double jitter)
    {
        var (attempts, spent) = PlayOut(new SiloUnavailableException("silo S127.0.0.1:11112 is dead"), jitter);
        Assert.InRange(spent, Options.UnitRetryFor - TimeSpan.FromSeconds(7.5), Options.UnitRetryFor);
        Assert.True(attempts > 15, $"{attempts} attempts");

        // The failure the issue saw: six retries (about 3 s) ran out before Orleans declared the silo dead after 6-13 s.
        Assert.NotNull(UnitRetryPolicy.NextDelay(new SiloUnavailableException(), 7, TimeSpan.FromSeconds(13), Options, jitter));
        Assert.NotNull(UnitRetryPolicy.NextDelay(new TimeoutException("response did not arrive on time"), 12, TimeSpan.FromSeconds(60), Options, jitter));
    }

    [Fact]
    public void A_units_own_error_is_asked_again_a_few_times_and_a_bad_request_not_at_all()
    {
        Assert.Equal((Options.ChunkAttempts, TimeSpan.FromMilliseconds(600)), PlayOut(new InvalidDataException("returns contain NaN"), 0));
        Assert.Equal((1, TimeSpan.Zero), PlayOut(new ArgumentException("paths must be positive"), 0));
        Assert.False(UnitRetryPolicy.IsSiloLoss(new InvalidOperationException("bug")));
        Assert.True(UnitRetryPolicy.IsSiloLoss(new AggregateException(new SiloUnavailableException(), new TimeoutException())));
    }
}
