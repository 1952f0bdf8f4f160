using System.CommandLine;
using System.Text.Json;
using Research.Backtesting.Jobs;
using Research.Cli.Commands.Backtest;
using Research.Cli.Infrastructure;

namespace Research.Cli.Tests;

/// <summary>The CLI's flags and a spec file that states only a strategy give the library's default backtest.</summary>
public sealed class BacktestDefaultsTests
{
    private static readonly string Default = new BacktestRequest { Strategy = "momentum" }.Canonical();

    [Fact]
    public void Flags_left_out_give_the_library_defaults()
    {
        var options = new BacktestSpecOptions();
        var command = new Command("run");
        options.AddTo(command);
        var request = options.Request(command.Parse("--strategy momentum"));
        Assert.Equal(Default, request.Canonical());
    }

    [Fact]
    public void A_spec_file_with_only_a_strategy_gives_the_library_defaults()
    {
        using var json = JsonDocument.Parse("""{"strategy":"momentum"}""");
        Assert.Equal(Default, BacktestSpecFile.Parse(json.RootElement, "spec").Canonical());
    }

    [Fact]
    public void The_pin_would_see_a_changed_default()
    {
        var options = new BacktestSpecOptions();
        var command = new Command("run");
        options.AddTo(command);
        Assert.NotEqual(Default, options.Request(command.Parse("--strategy momentum --quantile 0.25")).Canonical());
    }
}
