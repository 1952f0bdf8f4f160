using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Research.Analytics.Alpha;
using Research.Backtesting.Strategies;
using Research.Cli.Commands.Alpha;
using Research.Cli.Commands.Audit;
using Research.Cli.Infrastructure;
using Research.Data.Registry;
using Research.Platform.Storage.Audit;
using Spectre.Console;

namespace Research.Cli.Commands.Models;

/// <summary>
/// <c>research models register|list|show|promote|rollback</c>: the model registry (<see cref="ModelRegistry"/>). A
/// signal model is registered from an evaluation (training period, out-of-sample split): its definition and the
/// evaluation are the artifacts, the in- and out-of-sample rank IC its metrics. Promotions and rollbacks are audited.
/// </summary>
public static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var models = new Command("models", "The model registry: register, list, show, promote (with gates) and roll back versioned models.");
        models.Subcommands.Add(Register(output));
        models.Subcommands.Add(List(output));
        models.Subcommands.Add(Show(output));
        models.Subcommands.Add(Promote(output));
        models.Subcommands.Add(Rollback(output));
        return models;
    }

    private static Option<string> NameOption() => new("--name") { Description = "The model's name (lower-case letters, digits, '_' or '-').", Required = true };

    private static ModelRegistry Open(ParseResult parse) => new(CliConfiguration.DataRoot(CliConfiguration.Build(parse)), TimeProvider.System);

    private static Command Register(CliOutput output)
    {
        var name = NameOption();
        var signal = new Option<string>("--signal") { Description = "The built-in or stored signal the model carries (NAME or NAME@vN).", Required = true };
        var from = CliOptions.Date("--from", "First training date.");
        var to = CliOptions.Date("--to", "Last date of the evaluation (training and out of sample).");
        var split = CliOptions.Date("--split", "Out-of-sample from this date: the metrics a promotion gate reads.");
        var every = new Option<int>("--every") { Description = "Sessions between signal dates.", DefaultValueFactory = _ => 5 }.Between(1, Research.Core.Calendars.Annualisation.SessionsPerYear);
        var question = new Option<string>("--question") { Description = "The research question the evaluation is recorded under in the trial ledger.", DefaultValueFactory = _ => "default" };
        var command = new Command("register", "Evaluate a signal over a training period with an out-of-sample split and register it as a staged model version.") { name, signal, from, to, split, every, question };
        CliOptions.RequireOrdered(command, from, to);
        command.SetAction(async (parse, ct) =>
        {
            var (first, last, cut) = (parse.GetValue(from), parse.GetValue(to), parse.GetValue(split));
            if (SignalModelStaging.Problem(parse.GetValue(name), first, last, cut) is { } problem)
            {
                throw new CliException("--" + problem);
            }

            var ledger = CliConfiguration.Alpha(CliConfiguration.Build(parse));
            var definition = await SignalSources.ResolveAsync(ledger, parse.GetValue(signal)!, ct).ConfigureAwait(false);
            var options = SignalAnalyticsOptions.Default;
            using var bench = SignalWorkbench.Open(parse, [.. definition.Datasets()], first, last, parse.GetValue(every));
            var build = bench.Build(definition, options.MaxDropShare, ct);
            var report = bench.Evaluate(bench.Slice(build.Values), options);
            try
            {
                SignalModelStaging.SplitOf(report, cut);
            }
            catch (ArgumentException e)
            {
                throw new CliException("--" + e.Message, e);
            }

            var (trial, _) = await SignalWorkbench.RecordAsync(ledger, SignalWorkbench.Question(parse.GetValue(question)), definition.Id, definition.Sha256, definition.CanonicalJson(),
                new { horizons = options.Horizons, quantiles = options.Quantiles, maxDrop = options.MaxDropShare, every = parse.GetValue(every), industryNeutral = false },
                first, last, bench.DataVersions, report, ct).ConfigureAwait(false);
            var candidate = new SignalModelCandidate(parse.GetValue(name)!, definition, report, first, last, cut, (double)build.Stages[^1].Rows / Math.Max(1, build.Stages[0].Rows),
                options.MaxDropShare, trial.TrialKey, trial.PValue, JsonSerializer.Deserialize<Dictionary<string, string>>(bench.DataVersions)!, Environment.UserName);
            var (manifest, outOfSample) = await SignalModelStaging.RegisterAsync(Open(parse), candidate, ct).ConfigureAwait(false);

            await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "models.register", $"{manifest.Name} v{manifest.Version}", "ok", null, $"cli@{Environment.MachineName}", definition.Id), ct).ConfigureAwait(false);
            output.Done(parse, SignalModelStaging.Describe(manifest, definition.Id, outOfSample), manifest);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliOutput output)
    {
        var command = new Command("list", "Every registered model with its production, staged and archived versions.");
        command.SetAction(async (parse, ct) =>
        {
            var states = await Open(parse).ListAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(states);
                return ExitCodes.Ok;
            }

            if (states.Count == 0)
            {
                output.Out.WriteLine("No model is registered: 'research models register --name N --signal S --from D --to D --split D' registers one.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("model", "production", "staged", "archived", "last change");
            foreach (var s in states)
            {
                var last = s.History[^1];
                table.AddRow(Markup.Escape(s.Name), s.Production is { } p ? $"v{p}" : "none", string.Join(", ", s.Staged.Select(v => $"v{v}")), string.Join(", ", s.Archived.Select(v => $"v{v}")),
                    Markup.Escape($"{last.Action} v{last.Version} by {last.By} {last.At:yyyy-MM-dd HH:mm}"));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliOutput output)
    {
        var name = NameOption();
        var version = new Option<int?>("--version") { Description = "The version (default: production)." }.Positive();
        var command = new Command("show", "A model version's manifest, checked against what was registered.") { name, version };
        command.SetAction(async (parse, ct) =>
        {
            var registry = Open(parse);
            var loaded = await Guard(() => parse.GetValue(version) is { } v ? registry.LoadAsync(parse.GetValue(name)!, v, ct) : registry.LoadProductionAsync(parse.GetValue(name)!, ct)).ConfigureAwait(false);
            var m = loaded.Manifest;
            output.Done(parse, string.Create(CultureInfo.InvariantCulture,
                $"{m.Name} v{m.Version} ({m.Kind}): {m.Description}; trained {m.TrainedFrom:yyyy-MM-dd}..{m.TrainedTo:yyyy-MM-dd}; metrics {string.Join(", ", m.Metrics.Select(x => $"{x.Key} {x.Value:G4}"))}; checks {string.Join(", ", m.Checks.Select(c => $"{c.Key} {(c.Value ? "passed" : "FAILED")}"))}; files {string.Join(", ", m.Files.Select(f => $"{f.Path} ({f.Sha256[..12]})"))}; code {m.CodeVersion}; by {m.CreatedBy} at {m.CreatedAt:yyyy-MM-dd HH:mm} UTC; checksums verified."), m);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Promote(CliOutput output)
    {
        var name = NameOption();
        var version = new Option<int>("--version") { Description = "The version to make production.", Required = true }.Positive();
        var minIc = new Option<double?>("--min-oos-ic") { Description = "Gate: the out-of-sample rank IC must be at least this." };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the model's history and the audit log)." };
        var command = new Command("promote", "Make a version production, after its checksums, its checks and the gates; the previous production version is archived (audited).") { name, version, minIc, reason };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(minIc) is { } bad && !(bad >= -1 && bad <= 1))
            {
                throw new CliException($"--min-oos-ic must be a rank IC from -1 to 1 (got {bad.ToString(CultureInfo.InvariantCulture)}).");
            }

            var gates = parse.GetValue(minIc) is { } ic ? new[] { new PromotionGate("oos_rank_ic", ic) } : [];
            var target = $"{parse.GetValue(name)} v{parse.GetValue(version)}";
            ModelRegistryState state;
            try
            {
                state = await Guard(() => Open(parse).PromoteAsync(parse.GetValue(name)!, parse.GetValue(version), gates, Environment.UserName, parse.GetValue(reason), ct)).ConfigureAwait(false);
            }
            catch (CliException e)
            {
                await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "models.promote", target, "refused", parse.GetValue(reason), $"cli@{Environment.MachineName}", e.Message), ct).ConfigureAwait(false);
                throw;
            }

            await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "models.promote", target, "ok", parse.GetValue(reason), $"cli@{Environment.MachineName}",
                state.History[^1].PreviousProduction is { } p ? $"previous production v{p} archived" : "first production version"), ct).ConfigureAwait(false);
            output.Done(parse, $"{target} is production{(state.History[^1].PreviousProduction is { } previous ? $"; v{previous} archived" : string.Empty)}.", state);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback(CliOutput output)
    {
        var name = NameOption();
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the model's history and the audit log)." };
        var command = new Command("rollback", "Make the previous production version production again (audited).") { name, reason };
        command.SetAction(async (parse, ct) =>
        {
            var state = await Guard(() => Open(parse).RollbackAsync(parse.GetValue(name)!, Environment.UserName, parse.GetValue(reason), ct)).ConfigureAwait(false);
            var e = state.History[^1];
            await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "models.rollback", $"{state.Name} v{e.Version}", "ok", parse.GetValue(reason), $"cli@{Environment.MachineName}", $"v{e.PreviousProduction} archived"), ct).ConfigureAwait(false);
            output.Done(parse, $"{state.Name} v{e.Version} is production again; v{e.PreviousProduction} archived.", state);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The registry's refusals as one-line errors.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException or ModelIntegrityException)
        {
            throw new CliException(e.Message, e);
        }
    }
}
