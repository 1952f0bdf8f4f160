using System.Globalization;
using System.Text.Json;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research alpha</c> on a small synthetic market: the planted alpha is found, a noise file is not; definitions are stored and every evaluation lands in the trial ledger.</summary>
public sealed class AlphaCommandTests : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("alpha-cli");

    public void Dispose() => _dir.Dispose();

    private async Task<string> WarehouseAsync(CancellationToken ct)
    {
        var root = _dir.Combine("warehouse");
        var layout = new WarehouseLayout(root);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 120, Years = 2, Seed = 12, IntradaySymbols = 0 });
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "crsp/delisting", "truth/alpha" })
        {
            await new SyncManager(layout, TimeProvider.System).SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        return root;
    }

    [Fact]
    public async Task A_defined_signal_is_evaluated_by_name_and_every_evaluation_is_in_the_ledger_with_corrections_that_count_them_all()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = await WarehouseAsync(ct);
        var spec = _dir.Combine("mom_rev.json");
        await File.WriteAllTextAsync(spec, """{"name":"mom_rev","version":1,"description":"momentum and reversal","terms":[{"descriptor":"momentum_12_1","weight":1,"transforms":["zscore"]},{"descriptor":"reversal_21","weight":0.5,"transforms":["rank"]}],"post":["zscore"]}""", ct);
        var (code, output, error) = await CliRunner.RunAsync("alpha", "define", "--spec", spec, "--data-root", root);
        Assert.True(code == 0, error);
        Assert.StartsWith("stored mom_rev@v1", output, StringComparison.Ordinal);
        (code, output, _) = await CliRunner.RunAsync("alpha", "define", "--spec", spec, "--data-root", root);
        Assert.Contains("already stored with this definition", output, StringComparison.Ordinal);
        await File.WriteAllTextAsync(spec, (await File.ReadAllTextAsync(spec, ct)).Replace("\"weight\":0.5", "\"weight\":0.7", StringComparison.Ordinal), ct);
        (code, _, error) = await CliRunner.RunAsync("alpha", "define", "--spec", spec, "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("mom_rev@v1 is already stored with another definition", error, StringComparison.Ordinal);

        (code, output, error) = await CliRunner.RunAsync("alpha", "list", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var listed = JsonDocument.Parse(output).RootElement.EnumerateArray().Select(s => s.GetProperty("signal").GetString()).ToList();
        Assert.Contains("mom_rev@v1", listed);
        Assert.Contains("planted_alpha@v1", listed);

        string[] period = ["--from", "2024-01-02", "--to", "2024-12-31", "--data-root", root];
        (code, output, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "mom_rev", "--question", "trend", "--every", "5", .. period, "--json"]);
        Assert.True(code == 0, error);
        var evaluated = JsonDocument.Parse(output).RootElement;
        Assert.Equal("mom_rev@v1", evaluated.GetProperty("signal").GetString());
        var stages = evaluated.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("rows").GetInt64()).ToArray();
        Assert.True(stages[0] >= stages[1] && stages[1] >= stages[2] && stages[2] > 0, output);
        Assert.Equal(1, evaluated.GetProperty("trial").GetProperty("trials").GetInt32());

        // The same evaluation again is one more row but the same trial; the industry-neutral variant and a built-in are new trials.
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "mom_rev@v1", "--question", "trend", "--every", "5", .. period, "--json"]);
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "mom_rev", "--question", "trend", "--every", "5", "--industry-neutral", .. period, "--json"]);
        Assert.True(code == 0, error);
        (code, output, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "reversal", "--question", "trend", "--every", "5", .. period, "--json"]);
        Assert.True(code == 0, error);
        Assert.Equal(3, JsonDocument.Parse(output).RootElement.GetProperty("trial").GetProperty("trials").GetInt32());

        var export = _dir.Combine("trials.csv");
        (code, output, error) = await CliRunner.RunAsync("alpha", "trials", "--question", "trend", "--export", export, "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var trials = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, trials.Count);
        Assert.Equal([2, 1, 1], trials.Select(t => t.GetProperty("evaluations").GetInt32()));
        Assert.All(trials, t => Assert.Equal(3, t.GetProperty("trials").GetInt32()));
        Assert.All(trials, t => Assert.True(t.GetProperty("holm").GetDouble() >= t.GetProperty("pValue").GetDouble()));
        var csv = await File.ReadAllLinesAsync(export, ct);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("question,signal,trial_key,", csv[0], StringComparison.Ordinal);

        // A composite with weights from the past only, recorded as one more trial; the correlation matrix; the IS/OOS split.
        (code, output, error) = await CliRunner.RunAsync(["alpha", "combine", "--signals", "planted_alpha,mom_rev", "--method", "ic", "--window", "60", "--question", "trend", .. period, "--json"]);
        Assert.True(code == 0, error);
        var combined = JsonDocument.Parse(output).RootElement;
        Assert.Equal("combine:ic(planted_alpha@v1,mom_rev@v1)", combined.GetProperty("signal").GetString());
        var weights = combined.GetProperty("weights").EnumerateArray().Select(w => w.GetProperty("last").GetDouble()).ToArray();
        Assert.Equal(1, weights.Sum(Math.Abs), 9);
        Assert.True(combined.GetProperty("weights")[0].GetProperty("mean").GetDouble() > 0, output); // the planted alpha's IC is positive
        // (the momentum term's weight is whatever its IC was: style returns make a style signal's IC large either way)
        Assert.Equal(20, combined.GetProperty("datesWithoutHistory").GetInt32());
        Assert.Equal(4, combined.GetProperty("trial").GetProperty("trials").GetInt32());
        (code, output, error) = await CliRunner.RunAsync(["alpha", "correlate", "--signals", "mom_rev,momentum,planted_alpha", .. period, "--json"]);
        Assert.True(code == 0, error);
        var matrix = JsonDocument.Parse(output).RootElement.GetProperty("matrix");
        Assert.Equal(1, matrix[1][1].GetDouble());
        Assert.Equal(matrix[0][1].GetDouble(), matrix[1][0].GetDouble());
        Assert.True(matrix[0][1].GetDouble() > 0.5, output); // mom_rev is mostly momentum
        (code, output, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--planted", "--split", "2024-07-01", "--windows", "60", .. period, "--json"]);
        Assert.True(code == 0, error);
        var evaluation = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2024-07-01", evaluation.GetProperty("split").GetProperty("outOfSample").GetProperty("from").GetString());
        Assert.Equal(4, evaluation.GetProperty("windows").GetArrayLength()); // about 250 IC dates: four of 60, the rest under half a window
        (code, _, error) = await CliRunner.RunAsync(["alpha", "combine", "--signals", "momentum", .. period]);
        Assert.Contains("--signals: give two or more different signals", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "combine", "--signals", "momentum,reversal", "--method", "best", .. period]);
        Assert.Contains("--method: 'best' is not one of equal, ic, icir, vol-parity, ridge.", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--planted", "--split", "2030-01-02", .. period]);
        Assert.Contains("--split: The split at 2030-01-02 leaves", error, StringComparison.Ordinal);

        // Bad values: each a one-line error naming what is wrong.
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "nope", .. period]);
        Assert.Equal(1, code);
        Assert.Contains("--signal: no signal 'nope'", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "mom_rev@x", .. period]);
        Assert.Contains("--signal: 'mom_rev@x' is not NAME or NAME@vN", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "momentum@v2", .. period]);
        Assert.Contains("the built-in 'momentum' has only version 1", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync(["alpha", "evaluate", "--signal", "value_bp", .. period]);
        Assert.Equal(1, code);
        Assert.Contains("compustat/quarterly, ccm/links not in the warehouse", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "trials", "--question", "nothing-here", "--data-root", root);
        Assert.Contains("--question: no trial is recorded under 'nothing-here'", error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(spec, """{"name":"x","terms":[{"descriptor":"momentum_12_1","transforms":["winsorise:0.01"]}]}""", ct);
        (code, _, error) = await CliRunner.RunAsync("alpha", "define", "--spec", spec, "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("--spec: mom_rev.json: terms[0].transforms[0]: 'winsorise:0.01' is not a transform", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_model_is_promoted_behind_its_gates_rolled_back_and_refused_once_tampered()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = await WarehouseAsync(ct);
        string[] period = ["--from", "2023-01-03", "--to", "2024-12-31", "--split", "2024-07-01", "--every", "1", "--data-root", root];
        var (code, output, error) = await CliRunner.RunAsync(["models", "register", "--name", "alpha", "--signal", "planted_alpha", .. period, "--json"]);
        Assert.True(code == 0, error);
        var manifest = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, manifest.GetProperty("version").GetInt32());
        Assert.True(manifest.GetProperty("metrics").GetProperty("oos_rank_ic").GetDouble() > 0, output);
        (code, _, error) = await CliRunner.RunAsync(["models", "register", "--name", "alpha", "--signal", "reversal", .. period]);
        Assert.True(code == 0, error);

        (code, _, error) = await CliRunner.RunAsync("models", "promote", "--name", "alpha", "--version", "1", "--min-oos-ic", "0.005", "--reason", "planted", "--data-root", root);
        Assert.True(code == 0, error);
        (code, _, error) = await CliRunner.RunAsync("models", "promote", "--name", "alpha", "--version", "2", "--min-oos-ic", "0.5", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("alpha v2 cannot be promoted:", error, StringComparison.Ordinal);
        Assert.Contains("oos_rank_ic = ", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("models", "promote", "--name", "alpha", "--version", "2", "--data-root", root);
        Assert.True(code == 0 || error.Contains("check 'oos_rank_ic_positive' did not pass", StringComparison.Ordinal), error);
        var promotedSecond = code == 0;

        (code, output, error) = await CliRunner.RunAsync("models", "show", "--name", "alpha", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        Assert.Equal(promotedSecond ? 2 : 1, JsonDocument.Parse(output).RootElement.GetProperty("version").GetInt32());
        if (promotedSecond)
        {
            (code, output, error) = await CliRunner.RunAsync("models", "rollback", "--name", "alpha", "--reason", "back to the planted one", "--data-root", root);
            Assert.True(code == 0, error);
            Assert.Equal("alpha v1 is production again; v2 archived.", output.Trim());
        }

        // The production version's definition, changed by hand, is refused with the file named.
        var signalFile = Path.Combine(root, "models", "alpha", "v1", "signal.json");
        await File.WriteAllTextAsync(signalFile, (await File.ReadAllTextAsync(signalFile, ct)).Replace("\"weight\":1", "\"weight\":2", StringComparison.Ordinal), ct);
        (code, _, error) = await CliRunner.RunAsync("models", "show", "--name", "alpha", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("models/alpha/v1/signal.json has SHA-256", error, StringComparison.Ordinal);

        // Bad values: one line naming the option, and nothing written (no trial recorded, no model folder made).
        var trialsBefore = (await CliRunner.RunAsync("alpha", "trials", "--data-root", root, "--json")).Out;
        (code, _, error) = await CliRunner.RunAsync(["models", "register", "--name", "Bad Name", "--signal", "planted_alpha", .. period]);
        Assert.Equal(1, code);
        Assert.StartsWith("error: --name: model name 'Bad Name' must be", error, StringComparison.Ordinal);
        Assert.Equal(trialsBefore, (await CliRunner.RunAsync("alpha", "trials", "--data-root", root, "--json")).Out);
        (code, _, error) = await CliRunner.RunAsync("models", "rollback", "--name", "ghost", "--data-root", root);
        Assert.Contains("No model 'ghost' is registered.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "models", "ghost")));
        (code, _, error) = await CliRunner.RunAsync("models", "promote", "--name", "alpha", "--version", "2", "--min-oos-ic", "NaN", "--data-root", root);
        Assert.Contains("--min-oos-ic must be a rank IC from -1 to 1 (got NaN).", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "trials", "--export", Path.Combine(root, "no-such-folder", "t.csv"), "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("--export: the folder", error, StringComparison.Ordinal);

        (code, output, error) = await CliRunner.RunAsync("audit", "list", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        Assert.Contains("models.promote", output, StringComparison.Ordinal);
        Assert.Contains("\"refused\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_analytics_benchmark_runs_and_agrees_with_its_naive_baseline()
    {
        // Small sizes: the point is the agreement check (the command fails when the two mean rank ICs differ), not the time.
        var (code, output, error) = await CliRunner.RunAsync("bench", "alpha", "--assets", "80", "--years", "1", "--repeat", "1", "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(252, result.GetProperty("sessions").GetInt32());
        Assert.True(result.GetProperty("naiveSeconds").GetDouble() > 0);
        Assert.Equal(3, result.GetProperty("rankIc").GetArrayLength());
        (code, _, error) = await CliRunner.RunAsync("bench", "alpha", "--assets", "5");
        Assert.Equal(2, code);
        Assert.Contains("--assets", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_planted_alpha_is_found_and_a_noise_file_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = await WarehouseAsync(ct);

        var (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var five = json.RootElement.GetProperty("report").GetProperty("horizons")[1];
            Assert.Equal(5, five.GetProperty("horizon").GetInt32());
            var rank = five.GetProperty("rankIcSummary");
            Assert.True(rank.GetProperty("neweyWestT").GetDouble() > 3, output);
            Assert.True(rank.GetProperty("mean").GetDouble() > 0, output);
            Assert.True(five.GetProperty("spread").GetDouble() > 0, output);
        }

        // Noise scores for every stock and day, from a seeded generator: no significant IC.
        (code, output, error) = await CliRunner.RunAsync("query", "SELECT CAST(date AS VARCHAR) AS d, permno FROM crsp.daily WHERE date >= DATE '2023-01-03'", "--max-rows", "1000000", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var random = new Random(5);
        var lines = new List<string> { "date,permno,score" };
        foreach (var row in JsonDocument.Parse(output).RootElement.GetProperty("rows").EnumerateArray())
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{row[0].GetString()},{row[1].GetInt32()},{random.NextDouble():R}"));
        }

        var noise = _dir.Combine("noise.csv");
        await File.WriteAllLinesAsync(noise, lines, ct);
        (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--horizons", "1", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        var t = JsonDocument.Parse(output).RootElement.GetProperty("report").GetProperty("horizons")[0].GetProperty("rankIcSummary").GetProperty("neweyWestT").GetDouble();
        Assert.InRange(t, -2.5, 2.5);

        (code, output, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.True(code == 0, error);
        Assert.Contains("rank autocorrelation", output, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(noise, ["date,permno,score", "2024-01-02,10001,0.5", "2024-01-03;10001;0.5"], ct);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("noise.csv line 3: '2024-01-03;10001;0.5' is not date,permno,score", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--scores", noise, "--from", "2023-01-03", "--to", "2024-12-31", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("Give exactly one of --signal NAME, --spec FILE, --planted and --scores FILE.", error, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("alpha", "evaluate", "--planted", "--from", "2023-01-03", "--to", "2024-12-31", "--horizons", "1,0", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("--horizons: '0' is not a session count from 1 to 252.", error, StringComparison.Ordinal);
    }
}
