using Google.OrTools.LinearSolver;
using Research.Analytics.Optimization;

namespace Research.Analytics.Tests.Optimization;

/// <summary>With P = 0 the QP is a linear program: our solver must agree with an LP solver (OR-Tools GLOP).</summary>
public sealed class LinearProgramTests
{
    [Theory]
    [InlineData(8, 1)]
    [InlineData(30, 2)]
    [InlineData(60, 3)]
    public void Linear_special_cases_match_GLOP_to_1e_6(int n, int seed)
    {
        var random = new Random(seed);
        var cost = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.7).ToArray(); // distinct: a unique optimal vertex
        var groups = 3;
        var rows = new List<QpConstraint> { QpConstraint.Equal("budget", Enumerable.Repeat(1.0, n).ToArray(), 1) };
        for (var i = 0; i < n; i++)
        {
            var row = new double[n];
            row[i] = 1;
            rows.Add(new QpConstraint($"bounds[{i}]", row, 0, 0.25));
        }

        for (var g = 0; g < groups; g++)
        {
            rows.Add(QpConstraint.AtMost($"group[{g}]", [.. Enumerable.Range(0, n).Select(i => i % groups == g ? 1.0 : 0.0)], 0.45));
        }

        var ours = new AdmmQpSolver().Solve(new QpProblem(new double[n, n], cost, rows));
        Assert.Equal(QpStatus.Solved, ours.Status);

        using var glop = Solver.CreateSolver("GLOP");
        var x = Enumerable.Range(0, n).Select(i => glop.MakeNumVar(0, 0.25, $"x{i}")).ToArray();
        var budget = glop.MakeConstraint(1, 1, "budget");
        foreach (var v in x)
        {
            budget.SetCoefficient(v, 1);
        }

        for (var g = 0; g < groups; g++)
        {
            var group = glop.MakeConstraint(double.NegativeInfinity, 0.45, $"group{g}");
            for (var i = g; i < n; i += groups)
            {
                group.SetCoefficient(x[i], 1);
            }
        }

        var objective = glop.Objective();
        for (var i = 0; i < n; i++)
        {
            objective.SetCoefficient(x[i], cost[i]);
        }

        objective.SetMinimization();
        Assert.Equal(Solver.ResultStatus.OPTIMAL, glop.Solve());
        Assert.Equal(objective.Value(), ours.Objective, 1e-6);
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(x[i].SolutionValue(), ours.X[i], 1e-6));
    }
}
