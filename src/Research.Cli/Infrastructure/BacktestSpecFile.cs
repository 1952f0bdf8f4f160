using System.Globalization;
using System.Text.Json;
using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Infrastructure;

/// <summary>
/// The backtest spec file (JSON, snake_case), e.g.
/// <c>{"strategy":"momentum","from":"2020-01-02","to":"2024-12-31","execution":"next-close","quantile":0.2,"construction":"quantile",
/// "capital":10000000,"costs":{"commission_bps":1,"half_spread_bps":5,"impact":0.1,"borrow_bps":50}}</c>.
/// Every field but <c>strategy</c> is optional; unknown fields are errors (a typo must not silently run the default).
/// </summary>
public static class BacktestSpecFile
{
    private static readonly HashSet<string> Top = ["strategy", "model", "from", "to", "execution", "quantile", "construction", "capital", "costs"];
    private static readonly HashSet<string> CostFields = ["commission_bps", "half_spread_bps", "impact", "borrow_bps"];

    public static BacktestRequest Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--spec: {path} does not exist.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return Parse(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>
    /// A walk-forward spec: the backtest fields above except <c>strategy</c>, plus <c>strategies</c> (required),
    /// <c>quantiles</c>, <c>train_sessions</c>, <c>test_sessions</c>, <c>expanding</c> and <c>metric</c>.
    /// </summary>
    public static WalkForwardRequest ReadWalkForward(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--spec: {path} does not exist.");
        }

        System.Text.Json.Nodes.JsonObject root;
        try
        {
            root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path)) as System.Text.Json.Nodes.JsonObject ?? throw new CliException($"{path}: the spec must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not valid JSON ({e.Message}).", e);
        }

        if (root.ContainsKey("strategy"))
        {
            throw new CliException($"{path}: a walk-forward takes 'strategies' (a list), not 'strategy'.");
        }

        T Take<T>(string name, T fallback)
        {
            if (!root.TryGetPropertyValue(name, out var node) || node is null)
            {
                return fallback;
            }

            root.Remove(name);
            try
            {
                return node.Deserialize<T>() ?? fallback;
            }
            catch (JsonException)
            {
                throw new CliException($"{path}: '{name}' must be {typeof(T).Name switch { "String[]" => "a list of strings", "Double[]" => "a list of numbers", "Int32" => "an integer", "Boolean" => "true or false", _ => "a string" }}, not {node.ToJsonString()}.");
            }
        }

        var strategies = Take<string[]>("strategies", []);
        if (strategies.Length == 0)
        {
            throw new CliException($"{path}: 'strategies' (a list, e.g. [\"momentum\", \"value\"]) is required.");
        }

        var request = new WalkForwardRequest
        {
            Strategies = strategies,
            Quantiles = Take<double[]>("quantiles", [0.2]),
            TrainSessions = Take("train_sessions", 504),
            TestSessions = Take("test_sessions", 126),
            Expanding = Take("expanding", false),
            Metric = Take("metric", "sharpe"),
            Base = null!,
        };
        root["strategy"] = "buy-and-hold";
        using var document = JsonDocument.Parse(root.ToJsonString());
        request = request with { Base = Parse(document.RootElement, path) };
        try
        {
            request.Validate();
            return request;
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{path}: {e.Message}", e);
        }
    }

    public static WalkForwardJobSpec ToJobSpec(WalkForwardRequest request) =>
        new(ToJobSpec(request.Base), [.. request.Strategies], [.. request.Quantiles], request.TrainSessions, request.TestSessions, request.Expanding, request.Metric);

    public static BacktestRequest Parse(JsonElement root, string where)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CliException($"{where}: the spec must be a JSON object.");
        }

        foreach (var property in root.EnumerateObject().Where(p => !Top.Contains(p.Name)))
        {
            throw new CliException($"{where}: unknown field '{property.Name}' (known: {string.Join(", ", Top)}; a walk-forward also strategies, quantiles, train_sessions, test_sessions, expanding, metric).");
        }

        var strategy = root.TryGetProperty("strategy", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : throw new CliException($"{where}: 'strategy' (a string) is required.");
        var request = new BacktestRequest
        {
            Strategy = strategy,
            From = Date(root, "from", where),
            To = Date(root, "to", where),
            Execution = ToEngine(root.TryGetProperty("execution", out var e) ? ParseExecution(e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(), where) : BacktestDefaults.Execution),
            Quantile = Number(root, "quantile", where) ?? BacktestDefaults.Quantile,
            Capital = Number(root, "capital", where) ?? BacktestDefaults.Capital,
            Construction = root.TryGetProperty("construction", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : BacktestDefaults.Construction,
            Model = !root.TryGetProperty("model", out var m) || m.ValueKind == JsonValueKind.Null ? null
                : m.ValueKind == JsonValueKind.String ? m.GetString() : throw new CliException($"{where}: 'model' must be a string (a registered signal model's name)."),
        };
        if (root.TryGetProperty("costs", out var costs))
        {
            if (costs.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"{where}: 'costs' must be an object with {string.Join(", ", CostFields)}.");
            }

            foreach (var property in costs.EnumerateObject().Where(p => !CostFields.Contains(p.Name)))
            {
                throw new CliException($"{where}: unknown field 'costs.{property.Name}' (known: {string.Join(", ", CostFields)}).");
            }

            request = request with
            {
                Costs = new CostModel
                {
                    CommissionBps = Number(costs, "commission_bps", where) ?? BacktestDefaults.CommissionBps,
                    HalfSpreadBps = Number(costs, "half_spread_bps", where) ?? BacktestDefaults.HalfSpreadBps,
                    ImpactCoefficient = Number(costs, "impact", where) ?? BacktestDefaults.Impact,
                    BorrowBps = Number(costs, "borrow_bps", where) ?? BacktestDefaults.BorrowBps,
                },
            };
        }

        return Validated(request, where);
    }

    public static BacktestRequest Validated(BacktestRequest request, string where)
    {
        try
        {
            request.Validate();
            return request;
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{where}: {e.Message}", e);
        }
    }

    public static ExecutionTiming ParseExecution(string? value, string where) => WireNames.TryParse<ExecutionTiming>(value, out var timing)
        ? timing
        : throw new CliException($"{where}: execution '{value}' is not one of {string.Join(", ", WireNames.All<ExecutionTiming>())}.");

    /// <summary>The engine's execution for a wire timing (the two enums share their names; a test pins it).</summary>
    public static Execution ToEngine(ExecutionTiming timing) => WireNames.Parse<Execution>(WireNames.Of(timing), "execution");

    /// <summary>The wire form a cluster job takes.</summary>
    public static BacktestJobSpec ToJobSpec(BacktestRequest request) => new(
        request.Strategy, request.From, request.To, WireNames.Parse<ExecutionTiming>(WireNames.Of(request.Execution), "execution"), request.Quantile, request.Capital,
        request.Costs.CommissionBps, request.Costs.HalfSpreadBps, request.Costs.ImpactCoefficient, request.Costs.BorrowBps, request.Construction, request.Model);

    private static DateOnly? Date(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new CliException($"{where}: '{name}' must be a date yyyy-MM-dd, not {value.GetRawText()}.");
    }

    private static double? Number(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new CliException($"{where}: '{name}' must be a number, not {value.GetRawText()}.");
    }
}
