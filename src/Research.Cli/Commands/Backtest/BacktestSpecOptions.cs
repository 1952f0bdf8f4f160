using System.CommandLine;
using Research.Backtesting.Jobs;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary>The spec options shared by <c>run</c> and <c>submit</c>: <c>--spec FILE</c> or flags.</summary>
internal sealed class BacktestSpecOptions
{
    private readonly Option<string?> _spec = new("--spec") { Description = "JSON spec file (strategy, from, to, execution, quantile, capital, costs{...}); instead of the flags below." };
    private readonly Option<string?> _strategy = new("--strategy") { Description = $"Strategy: {string.Join(", ", BacktestRequest.Names)} (alpha trades the production version of --model)." };
    private readonly Option<string?> _model = new("--model") { Description = "The alpha strategy: a signal model in the registry ('research models list'); its production version is loaded, checked and pinned with the data versions." };
    private readonly Option<DateOnly?> _from = CliOptions.OptionalDate("--from", "First session (default: 13 months after the first CRSP session, when momentum exists).");
    private readonly Option<DateOnly?> _to = CliOptions.OptionalDate("--to", "Last session (default: the last CRSP session).");
    private readonly Option<ExecutionTiming> _execution = CliOptions.Choice("--execution", "When orders fill.", BacktestDefaults.Execution);
    private readonly Option<double> _quantile = new("--quantile") { Description = $"Factor strategies: the quantile held long and short (default {BacktestDefaults.Quantile}).", DefaultValueFactory = _ => BacktestDefaults.Quantile };
    private readonly Option<string> _construction = new("--construction") { Description = "Factor strategies: quantile (equal-weighted top/bottom quantiles, default) or optimizer (alpha from the factor, one-factor risk, the portfolio optimiser).", DefaultValueFactory = _ => BacktestDefaults.Construction };
    private readonly Option<double> _capital = new("--capital") { Description = $"Capital in dollars (sets market impact; default {BacktestDefaults.Capital:N0}).", DefaultValueFactory = _ => BacktestDefaults.Capital };
    private readonly Option<double> _commission = new("--commission-bps") { Description = $"Commission, bp of traded value (default {BacktestDefaults.CommissionBps}).", DefaultValueFactory = _ => BacktestDefaults.CommissionBps };
    private readonly Option<double> _spread = new("--half-spread-bps") { Description = $"Half spread, bp of traded value (default {BacktestDefaults.HalfSpreadBps}).", DefaultValueFactory = _ => BacktestDefaults.HalfSpreadBps };
    private readonly Option<double> _impact = new("--impact") { Description = $"Square-root impact coefficient k (default {BacktestDefaults.Impact}; 0 = off).", DefaultValueFactory = _ => BacktestDefaults.Impact };
    private readonly Option<double> _borrow = new("--borrow-bps") { Description = $"Annual borrow fee on shorts, bp (default {BacktestDefaults.BorrowBps}).", DefaultValueFactory = _ => BacktestDefaults.BorrowBps };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _spec, _strategy, _model, _from, _to, _execution, _quantile, _construction, _capital, _commission, _spread, _impact, _borrow })
        {
            command.Options.Add(option);
        }
    }

    public BacktestRequest Request(ParseResult parse)
    {
        var file = parse.GetValue(_spec);
        var strategy = parse.GetValue(_strategy);
        if (file is not null)
        {
            return strategy is null && parse.GetValue(_model) is null ? BacktestSpecFile.Read(file) : throw new CliException("Give either --spec or --strategy (with its flags), not both.");
        }

        if (strategy is null)
        {
            throw new CliException($"Give --strategy ({string.Join(", ", BacktestRequest.Names)}) or --spec FILE.");
        }

        return BacktestSpecFile.Validated(new BacktestRequest
        {
            Strategy = strategy,
            Model = parse.GetValue(_model),
            From = parse.GetValue(_from),
            To = parse.GetValue(_to),
            Execution = BacktestSpecFile.ToEngine(parse.GetValue(_execution)),
            Quantile = parse.GetValue(_quantile),
            Construction = parse.GetValue(_construction)!,
            Capital = parse.GetValue(_capital),
            Costs = new Research.Backtesting.Engine.CostModel
            {
                CommissionBps = parse.GetValue(_commission),
                HalfSpreadBps = parse.GetValue(_spread),
                ImpactCoefficient = parse.GetValue(_impact),
                BorrowBps = parse.GetValue(_borrow),
            },
        }, "backtest");
    }
}
