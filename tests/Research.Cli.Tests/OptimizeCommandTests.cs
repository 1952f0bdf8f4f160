using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research optimize</c> on hand-stated problems.</summary>
public sealed class OptimizeCommandTests
{
    [Fact]
    public async Task The_issue_example_prints_weights_and_diagnostics_as_json()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-optimize");
        var spec = dir.Combine("spec.json");
        await File.WriteAllTextAsync(spec, """
            {"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.01,0.09]],
             "expected_returns":[0.05,0.07],"constraints":{"budget":1.0,"long_only":true}}
            """, TestContext.Current.CancellationToken);
        var (code, output, error) = await CliRunner.RunAsync("optimize", "--spec", spec, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(0.08 / 0.11, json.RootElement.GetProperty("weights").GetProperty("A").GetDouble(), 1e-6);
        Assert.Equal(0.03 / 0.11, json.RootElement.GetProperty("weights").GetProperty("B").GetDouble(), 1e-6);
        Assert.True(json.RootElement.GetProperty("kkt").GetProperty("dual").GetDouble() <= 1e-6);
    }

    [Fact]
    public async Task An_infeasible_spec_fails_naming_the_conflicting_constraints()
    {
        using var dir = TestEnvironment.CreateTempDirectory("cli-optimize-bad");
        var spec = dir.Combine("spec.json");
        await File.WriteAllTextAsync(spec, """
            {"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.01,0.09]],
             "constraints":{"budget":1.0,"long_only":true,"max_position":0.3}}
            """, TestContext.Current.CancellationToken);
        var (code, _, error) = await CliRunner.RunAsync("optimize", "--spec", spec);
        Assert.Equal(1, code);
        Assert.Contains("budget", error, StringComparison.Ordinal);
        Assert.Contains("weight_bounds[A]", error, StringComparison.Ordinal);
    }
}
