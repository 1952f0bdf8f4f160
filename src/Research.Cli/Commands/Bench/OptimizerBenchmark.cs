using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench optimizer</c>: mean-variance with budget, long-only position limits, industry bounds,
/// turnover and linear costs on a seeded random 60-factor model, solved through the factor structure and, in the
/// same run, through the dense covariance of the same model; reports both times, KKT residuals and how far apart
/// the two answers are.
/// </summary>
internal static class OptimizerBenchmark
{
    public static Command Create(CliOutput output)
    {
        var sizes = new Option<string>("--assets") { Description = "Comma-separated numbers of assets.", DefaultValueFactory = _ => "500,3000" };
        var factors = new Option<int>("--factors") { Description = "Factors in the model.", DefaultValueFactory = _ => 60 }.Positive();
        var industries = new Option<int>("--industries") { Description = "Industry groups with weight bounds.", DefaultValueFactory = _ => 30 }.Positive();
        var denseLimit = new Option<int>("--dense-up-to") { Description = "Largest problem also solved densely.", DefaultValueFactory = _ => 3000 }.Positive();
        var command = new Command("optimizer", "Factor-structured vs dense optimisation of the same constrained problem.") { sizes, factors, industries, denseLimit };
        command.SetAction(parse =>
        {
            var results = new List<object>();
            var table = new Table().AddColumns("Assets", "Factor-structured", "Dense (same run)", "Ratio", "KKT (primal/dual/compl.)", "Max |Δw|");
            foreach (var n in parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
            {
                var spec = BenchmarkSpec(n, parse.GetValue(factors), parse.GetValue(industries), seed: 42);
                var sw = Stopwatch.StartNew();
                var structured = Research.Analytics.Optimization.PortfolioOptimizer.Optimize(spec);
                var structuredSeconds = sw.Elapsed.TotalSeconds;
                double? denseSeconds = null;
                double? maxDiff = null;
                if (n <= parse.GetValue(denseLimit))
                {
                    var denseSpec = spec with { FactorModel = null, Covariance = DenseCovariance(spec.FactorModel!) };
                    sw.Restart();
                    var dense = Research.Analytics.Optimization.PortfolioOptimizer.Optimize(denseSpec);
                    denseSeconds = sw.Elapsed.TotalSeconds;
                    maxDiff = spec.Assets.Max(a => Math.Abs(dense.Weights[a] - structured.Weights[a]));
                }

                results.Add(new
                {
                    assets = n,
                    factors = parse.GetValue(factors),
                    industries = parse.GetValue(industries),
                    structuredSeconds,
                    denseSeconds,
                    structured.Iterations,
                    kkt = new { primal = structured.PrimalResidual, dual = structured.DualResidual, complementarity = structured.ComplementarityResidual },
                    maxWeightDifference = maxDiff
                });
                table.AddRow(n.ToString(CultureInfo.InvariantCulture), $"{structuredSeconds:F2} s ({structured.Iterations} it.)", denseSeconds is { } d ? $"{d:F2} s" : "-",
                    denseSeconds is { } d2 ? $"{d2 / structuredSeconds:F1}x" : "-",
                    $"{structured.PrimalResidual:E1} / {structured.DualResidual:E1} / {structured.ComplementarityResidual:E1}", maxDiff is { } m ? $"{m:E1}" : "-");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(results);
            }
            else
            {
                output.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Research.Analytics.Optimization.PortfolioSpec BenchmarkSpec(int n, int k, int industries, int seed)
    {
        var random = new Random(seed);
        var exposures = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, k).Select(f => f == 0 ? 1.0 : random.NextDouble() - 0.5).ToArray()).ToArray();
        var a = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, k).Select(_ => (random.NextDouble() - 0.5) * 0.02).ToArray()).ToArray();
        var factorCovariance = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => Enumerable.Range(0, k).Sum(t => a[i][t] * a[j][t]) + (i == j ? 0.0004 : 0)).ToArray()).ToArray();
        var specific = Enumerable.Range(0, n).Select(_ => 0.01 + (0.06 * random.NextDouble())).ToArray();
        var assets = Enumerable.Range(0, n).Select(i => $"S{i:D5}").ToArray();
        var share = 1.0 / industries;
        return new Research.Analytics.Optimization.PortfolioSpec
        {
            Objective = "mean_variance",
            Assets = assets,
            FactorModel = new Research.Analytics.Optimization.FactorModelSpec(exposures, factorCovariance, specific),
            ExpectedReturns = [.. assets.Select(_ => 0.02 + (0.08 * random.NextDouble()))],
            RiskAversion = 5,
            Constraints = new Research.Analytics.Optimization.PortfolioConstraints
            {
                Budget = 1,
                LongOnly = true,
                MaxPosition = Math.Max(5.0 / n, 0.002),
                Groups = Enumerable.Range(0, industries).ToDictionary(g => $"industry{g:D2}", g => new Research.Analytics.Optimization.GroupBound([.. assets.Where((_, i) => i % industries == g)], Min: 0.5 * share, Max: 1.5 * share)),
                InitialWeights = assets.ToDictionary(x => x, _ => 1.0 / n),
                MaxTurnover = 0.5,
                LinearCost = 0.0005,
            },
        };
    }

    private static double[][] DenseCovariance(Research.Analytics.Optimization.FactorModelSpec model)
    {
        var n = model.SpecificVariance.Length;
        var k = model.Factors;
        var bf = model.Exposures.Select(row => Enumerable.Range(0, k).Select(j => Enumerable.Range(0, k).Sum(t => row[t] * model.FactorCovariance[t][j])).ToArray()).ToArray();
        var sigma = new double[n][];
        for (var i = 0; i < n; i++)
        {
            sigma[i] = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                double sum = i == j ? model.SpecificVariance[i] : 0;
                for (var t = 0; t < k; t++)
                {
                    sum += bf[i][t] * model.Exposures[j][t];
                }

                sigma[i][j] = sum;
                sigma[j][i] = sum;
            }
        }

        return sigma;
    }
}
