using Research.Console.Backtests;
using Research.Console.Components.Pages.Backtests;
using Research.Grains.Abstractions.Backtests;

namespace Research.Console.Tests;

/// <summary>A result page states every setting its run used; "run again with changes" starts from exactly those.</summary>
public sealed class JobSettingsTests
{
    [Fact]
    public void A_backtest_lists_every_field_and_says_what_an_empty_period_means()
    {
        var spec = new BacktestJobSpec("value", To: new DateOnly(2024, 6, 28), Execution: ExecutionTiming.NextOpen, Quantile: 0.3, Capital: 2_500_000, CommissionBps: 2, BorrowBps: 75);
        var lines = JobSettings.Lines(new JobSubmission(spec, null, JobPriority.High, "ada")).ToDictionary(l => l.Label, l => l.Value);
        Assert.Equal("value", lines["Strategy"]);
        Assert.Equal("earliest (13 months after the first CRSP session)", lines["From"]);
        Assert.Equal("2024-06-28", lines["To"]);
        Assert.Equal("next-open", lines["Execution"]);
        Assert.Equal("quantile", lines["Construction"]);
        Assert.Equal("0.3", lines["Quantile"]);
        Assert.Equal("$2,500,000", lines["Capital"]);
        Assert.Equal("2 bp of traded value", lines["Commission"]);
        Assert.Equal("5 bp of traded value", lines["Half spread"]);
        Assert.Equal("0.1", lines["Impact coefficient k"]);
        Assert.Equal("75 bp a year on shorts", lines["Borrow fee"]);
        Assert.Equal(("high", "ada"), (lines["Priority"], lines["Submitted by"]));
    }

    [Fact]
    public void A_Monte_Carlo_and_a_walk_forward_list_their_own_settings()
    {
        var mc = JobSettings.Lines(new JobSubmission(null, new MonteCarloJobSpec("bt-1", 500, MonteCarloMethod.Trades, Seed: 9), JobPriority.Normal, "ada")).ToDictionary(l => l.Label, l => l.Value);
        Assert.Equal(("bt-1", "trades", "500", "9"), (mc["Source job"], mc["Method"], mc["Paths"], mc["Seed"]));
        Assert.False(mc.ContainsKey("Mean block (sessions)")); // only the block bootstrap has blocks
        Assert.Equal("the source's length", mc["Sessions per path"]);

        var wf = JobSettings.Lines(new JobSubmission(null, null, JobPriority.Low, "ada", new WalkForwardJobSpec(new BacktestJobSpec("momentum"), ["momentum", "size"], [0.2, 0.25], 252, 63, Expanding: true)))
            .ToDictionary(l => l.Label, l => l.Value);
        Assert.Equal(("momentum, size", "0.2, 0.25", "expanding: train 252 sessions, test 63", "sharpe"), (wf["Strategies"], wf["Quantiles"], wf["Windows"], wf["Chosen by"]));
        Assert.False(wf.ContainsKey("Quantile"));
        Assert.Equal("next-close", wf["Execution"]);
    }

    [Fact]
    public void Run_again_fills_the_form_with_the_previous_settings()
    {
        var spec = new BacktestJobSpec("size", new DateOnly(2023, 1, 3), new DateOnly(2024, 12, 31), ExecutionTiming.NextOpen, 0.15, 5_000_000, 0.5, 3, 0.2, 40, "optimizer");
        var form = new Jobs.SubmitModel();
        form.Fill(spec);
        Assert.Equal(spec, form.ToSpec());
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("ACME CORP", "ACME CORP")]
    [InlineData("ACME, INC", "\"ACME, INC\"")]
    [InlineData("THE \"BEST\" CO", "\"THE \"\"BEST\"\" CO\"")]
    [InlineData("TWO\nLINES", "\"TWO\nLINES\"")]
    public void A_trade_download_quotes_a_company_name_only_where_CSV_needs_it(string? name, string field) =>
        Assert.Equal(field, ConsoleBacktests.Csv(name));

    [Fact]
    public void A_signal_sweeps_table_reads_its_stored_summary_failed_variants_included()
    {
        var ic = new Research.Analytics.Alpha.IcSummary(0.02, 0.1, 0.2, 2.5, 0.55);
        var ok = new Research.Backtesting.Signals.SweepVariant(0, "g_1", "aa", """{"name":"g_1","version":1,"description":"terms[0].descriptor=\"beta\"","terms":[],"post":[]}""", null,
            [new Research.Backtesting.Signals.SweepHorizon(1, ic, ic with { Mean = 0.03 }, 0.004, [0.1, 0.2])], 0.3, 0.9, 100, 0, 0.012, 0.2, 40, 0, 3);
        var failed = ok with { Index = 1, Name = "g_2", Error = "too few values", Horizons = [], PValue = 1.0, SpreadSharpe = double.NaN };
        var request = new Research.Backtesting.Signals.SignalSweepRequest { Definitions = ["{}", "{}"], From = new DateOnly(2024, 1, 2), To = new DateOnly(2024, 6, 28), Horizons = [1] };
        var json = Research.Backtesting.Results.ResultDocuments.Serialize(Research.Backtesting.Signals.SignalSweepSummary.Of(request, [ok, failed]));

        var table = SweepTable.Of(json);
        Assert.Equal(1, table.Horizon);
        Assert.Equal(("g_1", 0.03, 2.5, 0.012), (table.Rows[0].Name, table.Rows[0].RankIc, table.Rows[0].T, table.Rows[0].P));
        Assert.Equal("terms[0].descriptor=\"beta\"", table.Rows[0].Varies);
        Assert.Equal(("g_2", "too few values"), (table.Rows[1].Name, table.Rows[1].Error));
        Assert.True(double.IsNaN(table.Rows[1].Holm));
    }
}
