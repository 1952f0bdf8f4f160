using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Console.Api;
using Research.Console.Components.Pages.Backtests;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Console.Tests;

/// <summary>
/// One set of backtest defaults: the engine's (library request, cost model, settings), the job spec's, the HTTP API's
/// and the web form's agree, and none of them picks a period (empty from/to: resolved on the data).
/// </summary>
public sealed class BacktestDefaultsTests
{
    [Fact]
    public void The_job_spec_defaults_are_the_engines()
    {
        var library = new BacktestRequest { Strategy = BacktestDefaults.Strategy };
        Assert.Equal(library.Canonical(), BacktestSpecs.ToRequest(new BacktestJobSpec(BacktestDefaults.Strategy)).Canonical());

        var costs = new CostModel();
        Assert.Equal((BacktestDefaults.CommissionBps, BacktestDefaults.HalfSpreadBps, BacktestDefaults.Impact, BacktestDefaults.BorrowBps), (costs.CommissionBps, costs.HalfSpreadBps, costs.ImpactCoefficient, costs.BorrowBps));
        var settings = new BacktestSettings { From = new DateOnly(2020, 1, 2), To = new DateOnly(2020, 12, 31) };
        Assert.Equal(BacktestDefaults.Capital, settings.Capital);
        Assert.Equal(Execution.NextClose, settings.Execution);
        Assert.Null(library.From);
        Assert.Null(library.To);
    }

    [Fact]
    public void The_api_and_the_web_form_submit_the_job_spec_defaults()
    {
        var spec = new BacktestJobSpec(BacktestDefaults.Strategy);
        Assert.Equal(spec, new BacktestSubmitRequest(BacktestDefaults.Strategy).ToSpec());

        var form = new Jobs.SubmitModel();
        Assert.Null(form.From);
        Assert.Null(form.To);
        Assert.Equal(spec, form.ToSpec());
    }
}
