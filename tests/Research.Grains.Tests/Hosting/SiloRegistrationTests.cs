using Microsoft.Extensions.Configuration;
using Research.Grains.Backtests;
using Research.Grains.Client;
using Research.Grains.Hosting;

namespace Research.Grains.Tests.Hosting;

/// <summary>Silo options are bound from configuration and validated at start: a bad value is an error naming the key, never a silent default.</summary>
public sealed class SiloRegistrationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void Backtest_options_bind_over_the_defaults()
    {
        var options = SiloRegistration.BindBacktestJobOptions(Config((ConfigurationKeys.BacktestJobsPerSilo, "3"), ("Research:Backtests:TickPeriod", "00:00:02")));
        Assert.Equal(3, options.MaxJobsPerSilo);
        Assert.Equal(TimeSpan.FromSeconds(2), options.TickPeriod);
        Assert.Equal(new BacktestJobOptions().MaxJobsPerUser, options.MaxJobsPerUser);
    }

    [Theory]
    [InlineData("Research:Backtests:MaxJobsPerSilo", "0", "Research:Backtests:MaxJobsPerSilo must be positive")]
    [InlineData("Research:Backtests:MaxJobsPerUser", "two", "Research:Backtests")]
    [InlineData("Research:Backtests:MaxJobsPerSilos", "2", "MaxJobsPerSilos")]
    [InlineData("Research:Backtests:LeaseLength", "00:00:01", "LeaseLength")]
    public void A_bad_backtest_option_stops_the_silo_naming_the_key(string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SiloRegistration.BindBacktestJobOptions(Config((key, value))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_timeouts_bind_and_a_bad_one_is_refused_naming_the_key()
    {
        var policy = SiloRegistration.BindSessionPolicy(Config((ConfigurationKeys.SessionIdleMinutes, "5")), ConfigurationKeys.SessionIdleMinutes, ConfigurationKeys.SessionAbsoluteHours);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.Idle);
        Assert.Equal(TimeSpan.FromHours(12), policy.Absolute);

        var e = Assert.Throws<InvalidOperationException>(() => SiloRegistration.BindSessionPolicy(Config((ConfigurationKeys.SessionAbsoluteHours, "-1")), ConfigurationKeys.SessionIdleMinutes, ConfigurationKeys.SessionAbsoluteHours));
        Assert.Contains(ConfigurationKeys.SessionAbsoluteHours, e.Message, StringComparison.Ordinal);
    }
}
