using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Alerts;
using Spectre.Console;

namespace Research.Cli.Commands.Alerts;

/// <summary>
/// <c>research alerts rules|channels|history|ack|test|report</c>: the alert service through the cluster. A channel's
/// secret (SMTP password, Slack webhook address, Twilio auth token) is read from an environment variable named by
/// <c>--secret-env</c> or from standard input (<c>--secret-stdin</c>), never from the command line, and never printed.
/// </summary>
public static class AlertsCommand
{
    public static Command Create(CliOutput output)
    {
        var alerts = new Command("alerts", "Alert rules, delivery channels (email, Slack, SMS), the alert history with every delivery attempt, acknowledgements, test messages.");
        alerts.Subcommands.Add(Rules(output));
        alerts.Subcommands.Add(Channels(output));
        alerts.Subcommands.Add(History(output));
        alerts.Subcommands.Add(Ack(output));
        alerts.Subcommands.Add(Test(output));
        alerts.Subcommands.Add(Report(output));
        return alerts;
    }

    private static Task<ClusterConnection> Connect(ParseResult parse, CancellationToken ct) =>
        ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "alerts live in the cluster");

    private static IAlertGrain Grain(ClusterConnection cluster) => cluster.Client.GetGrain<IAlertGrain>(0);

    private static Command Rules(CliOutput output)
    {
        var rules = new Command("rules", "List the alert rules.") { ClusterOptions.Gateway };
        rules.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var list = await Grain(cluster).RulesAsync().ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Rule", "Condition", "Subject", "Fires when", "Severity", "Channels", "Throttle", "Escalate after", "Quiet (UTC)", "Enabled");
            foreach (var r in list)
            {
                table.AddRow(r.Name, r.Condition, Markup.Escape(r.Subject), string.Create(CultureInfo.InvariantCulture, $"{(r.Above ? ">=" : "<=")} {r.Threshold:G6}"), r.Severity,
                    string.Join(", ", r.Channels), Minutes(r.ThrottleMinutes ?? 60), r.EscalateAfterMinutes is { } e ? Minutes(e) + (r.EscalationChannels is { Length: > 0 } ec ? " to " + string.Join(", ", ec) : string.Empty) : "-",
                    r.QuietFromHour is { } f ? $"{f:00}-{r.QuietToHour:00}" : "-", r.Enabled ? "yes" : "no");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var name = new Option<string>("--name") { Description = "The rule's name (lower case, digits, '-', '_').", Required = true };
        var condition = new Option<string>("--condition") { Description = "breaker-tripped, drawdown, daily-loss, position-limit, gross-exposure, latency-p99, sync-failed, sync-stale, data-quality, job-failed, job-stuck, risk-budget or metric.", Required = true };
        var threshold = new Option<double>("--threshold") { Description = "The value at which it fires (events such as a trip report 1).", Required = true };
        var channels = new Option<string>("--channels") { Description = "Channel names, comma-separated.", Required = true };
        var severity = new Option<string>("--severity") { Description = "info, warning or critical (default warning; critical ignores quiet hours).", DefaultValueFactory = _ => "warning" };
        severity.AcceptOnlyFromAmong("info", "warning", "critical");
        var subject = new Option<string>("--subject") { Description = "What it watches: * (any), a name (account:desk-1), or a prefix ending in * (account:*).", DefaultValueFactory = _ => "*" };
        var below = new Option<bool>("--below") { Description = "Fire at or below the threshold (default: at or above)." };
        var throttle = new Option<double?>("--throttle-minutes") { Description = "A new episode within this long of the last alert is folded into it, not sent (default 60)." };
        var escalate = new Option<double?>("--escalate-after-minutes") { Description = "Unacknowledged this long: sent once more, marked escalated." };
        var escalateTo = new Option<string?>("--escalation-channels") { Description = "Where the escalation goes (default: the rule's channels)." };
        var quiet = new Option<string?>("--quiet") { Description = "Quiet hours HH-HH (UTC, e.g. 22-06): messages below critical wait for their end." };
        var disabled = new Option<bool>("--disabled") { Description = "Store the rule switched off." };
        var set = new Command("set", "Create or replace a rule (operator).") { name, condition, threshold, channels, severity, subject, below, throttle, escalate, escalateTo, quiet, disabled, ClusterOptions.Gateway };
        set.SetAction(async (parse, ct) =>
        {
            int? from = null, to = null;
            if (parse.GetValue(quiet) is { } q)
            {
                var parts = q.Split('-');
                if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var f) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    throw new CliException($"--quiet: '{q}' is not HH-HH (for example 22-06).");
                }

                (from, to) = (f, t);
            }

            var rule = new AlertRuleView(parse.GetValue(name)!, parse.GetValue(condition)!, parse.GetValue(threshold), List(parse.GetValue(channels)), parse.GetValue(severity)!, parse.GetValue(subject)!,
                !parse.GetValue(below), parse.GetValue(throttle), parse.GetValue(escalate), parse.GetValue(escalateTo) is { } e ? List(e) : null, from, to, !parse.GetValue(disabled));
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var stored = await Run(() => Grain(cluster).PutRuleAsync(rule)).ConfigureAwait(false);
            output.Done(parse, $"rule {stored.Name}: {stored.Condition} {stored.Subject} {(stored.Above ? ">=" : "<=")} {stored.Threshold.ToString("G6", CultureInfo.InvariantCulture)} -> {string.Join(", ", stored.Channels)}.", stored);
            return ExitCodes.Ok;
        });
        rules.Subcommands.Add(set);

        var deleteName = new Option<string>("--name") { Description = "The rule.", Required = true };
        var delete = new Command("delete", "Delete a rule (operator); its alerts stay in the history.") { deleteName, ClusterOptions.Gateway };
        delete.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var done = await Run(() => Grain(cluster).DeleteRuleAsync(parse.GetValue(deleteName)!)).ConfigureAwait(false);
            return done ? Say(output, $"rule {parse.GetValue(deleteName)} deleted.") : throw new CliException($"--name: there is no rule '{parse.GetValue(deleteName)}'.");
        });
        rules.Subcommands.Add(delete);
        return rules;
    }

    private static Command Channels(CliOutput output)
    {
        var channels = new Command("channels", "List the delivery channels (secrets are never shown: only whether one is set).") { ClusterOptions.Gateway };
        channels.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var list = await Grain(cluster).ChannelsAsync().ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Channel", "Kind", "Settings", "Secret");
            foreach (var c in list)
            {
                table.AddRow(c.Name, c.Kind, Markup.Escape(string.Join("; ", c.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))), c.SecretSet ? "set" : "-");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var name = new Option<string>("--name") { Description = "The channel's name (lower case, digits, '-', '_').", Required = true };
        var kind = new Option<string>("--kind") { Description = "email, slack or sms.", Required = true };
        kind.AcceptOnlyFromAmong("email", "slack", "sms");
        var settings = new Option<string[]>("--setting") { Description = "key=value, repeated. email: host, port, from, to, security (none|starttls|ssl), user; sms: account-sid, from, to, base-url.", AllowMultipleArgumentsPerToken = false };
        var secretEnv = new Option<string?>("--secret-env") { Description = "Read the secret (SMTP password, Slack webhook address, Twilio auth token) from this environment variable." };
        var secretStdin = new Option<bool>("--secret-stdin") { Description = "Read the secret from standard input (one line)." };
        var set = new Command("set", "Create or change a channel (operator). Without a secret option the stored secret is kept.") { name, kind, settings, secretEnv, secretStdin, ClusterOptions.Gateway };
        set.SetAction(async (parse, ct) =>
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(settings) ?? [])
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0)
                {
                    throw new CliException($"--setting: '{pair}' is not key=value.");
                }

                map[pair[..at].Trim()] = pair[(at + 1)..].Trim();
            }

            string? secret = null;
            if (parse.GetValue(secretEnv) is { } variable)
            {
                secret = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : throw new CliException($"--secret-env: the environment variable {variable} is not set.");
            }
            else if (parse.GetValue(secretStdin))
            {
                secret = (await Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.Trim() is { Length: > 0 } line ? line : throw new CliException("--secret-stdin: standard input held no secret.");
            }

            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var stored = await Run(() => Grain(cluster).PutChannelAsync(new AlertChannelInput(parse.GetValue(name)!, parse.GetValue(kind)!, map, secret))).ConfigureAwait(false);
            output.Done(parse, $"channel {stored.Name} ({stored.Kind}) stored; secret {(stored.SecretSet ? "set" : "not set")}.", stored);
            return ExitCodes.Ok;
        });
        channels.Subcommands.Add(set);

        var deleteName = new Option<string>("--name") { Description = "The channel.", Required = true };
        var delete = new Command("delete", "Delete a channel no rule uses (operator).") { deleteName, ClusterOptions.Gateway };
        delete.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var done = await Run(() => Grain(cluster).DeleteChannelAsync(parse.GetValue(deleteName)!)).ConfigureAwait(false);
            return done ? Say(output, $"channel {parse.GetValue(deleteName)} deleted.") : throw new CliException($"--name: there is no channel '{parse.GetValue(deleteName)}'.");
        });
        channels.Subcommands.Add(delete);
        return channels;
    }

    private static Command History(CliOutput output)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many alerts, newest first (default 50).", DefaultValueFactory = _ => 50 }.Between(1, 1000);
        var id = new Option<long?>("--id") { Description = "One alert, with every delivery attempt." };
        var command = new Command("history", "Alerts, newest first, with each channel's delivery (pending, sent, failed with the reason).") { limit, id, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var alerts = await Grain(cluster).HistoryAsync(parse.GetValue(id) is null ? parse.GetValue(limit) : 1000).ConfigureAwait(false);
            if (parse.GetValue(id) is { } one)
            {
                var alert = alerts.FirstOrDefault(a => a.Id == one) ?? throw new CliException($"--id: there is no alert {one} among the latest 1,000.");
                var attempts = await Grain(cluster).AttemptsAsync(one).ConfigureAwait(false);
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(new { alert, attempts });
                    return ExitCodes.Ok;
                }

                output.Out.WriteLine(Line(alert));
                var table = new Table().AddColumns("Channel", "Attempt", "At (UTC)", "Outcome", "Reason");
                foreach (var a in attempts)
                {
                    table.AddRow(a.Channel + (a.Escalation ? " (escalation)" : string.Empty), a.Number.ToString(CultureInfo.InvariantCulture), a.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        a.Delivered ? "delivered" : "failed", Markup.Escape(a.Reason ?? string.Empty));
                }

                output.Console.Write(table);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(alerts);
                return ExitCodes.Ok;
            }

            var list = new Table().AddColumns("#", "Raised (UTC)", "Rule", "Subject", "Value", "Threshold", "Severity", "State", "Deliveries");
            foreach (var a in alerts)
            {
                list.AddRow(a.Id.ToString(CultureInfo.InvariantCulture), a.RaisedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), a.Rule, Markup.Escape(a.Subject),
                    a.Value.ToString("G6", CultureInfo.InvariantCulture), a.Threshold.ToString("G6", CultureInfo.InvariantCulture), a.Severity,
                    a.State + (a.Escalated ? ", escalated" : string.Empty) + (a.Folded > 0 ? $", {a.Folded} folded" : string.Empty),
                    Markup.Escape(string.Join("; ", a.Deliveries.Select(d => $"{d.Channel}{(d.Escalation ? "*" : string.Empty)} {d.Status}{(d.Status == "failed" ? ": " + d.LastReason : string.Empty)}"))));
            }

            output.Console.Write(list);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Ack(CliOutput output)
    {
        var id = new Argument<long>("id") { Description = "The alert's number." };
        var comment = new Option<string>("--comment") { Description = "What was done or why (kept with the alert and in the audit log).", Required = true };
        var command = new Command("ack", "Acknowledge an alert (operator): its escalation stops.") { id, comment, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var alert = await Run(() => Grain(cluster).AcknowledgeAsync(parse.GetValue(id), parse.GetValue(comment)!)).ConfigureAwait(false);
            output.Done(parse, $"alert {alert.Id} acknowledged by {alert.AcknowledgedBy}: {alert.Comment}", alert);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Test(CliOutput output)
    {
        var channel = new Option<string>("--channel") { Description = "The channel to send a test message on.", Required = true };
        var command = new Command("test", "Send a test message on a channel now and show each attempt (operator); exits 1 when it was not delivered.") { channel, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var attempts = await Run(() => Grain(cluster).TestChannelAsync(parse.GetValue(channel)!)).ConfigureAwait(false);
            var delivered = attempts.Any(a => a.Delivered);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(attempts);
            }
            else
            {
                foreach (var a in attempts)
                {
                    output.Out.WriteLine($"attempt {a.Number}: {(a.Delivered ? "delivered" : "failed: " + a.Reason)}");
                }
            }

            return delivered ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Report(CliOutput output)
    {
        var subject = new Option<string>("--subject") { Description = "The metric's name (what metric rules name as --subject).", Required = true };
        var value = new Option<double>("--value") { Description = "Its value now.", Required = true };
        var condition = new Option<string>("--condition") { Description = "The condition reported (default metric).", DefaultValueFactory = _ => "metric" };
        var detail = new Option<string?>("--detail") { Description = "Text for the message." };
        // The time is left to the alert grain's clock (default): the CLI reads no clock of its own.
        var command = new Command("report", "Report a value to the alert rules (operator): what each matching rule did (raise, continue, throttled, resolve).") { subject, value, condition, detail, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var outcomes = await Run(() => Grain(cluster).ObserveAsync(new AlertObservationView(parse.GetValue(condition)!, parse.GetValue(subject)!, parse.GetValue(value), default, parse.GetValue(detail)))).ConfigureAwait(false);
            output.Done(parse, outcomes.Length == 0 ? "no rule matches." : string.Join("; ", outcomes.Select(o => $"{o.Rule}: {o.Decision}{(o.AlertId is { } a ? $" (alert {a})" : string.Empty)}")) + ".", outcomes);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Line(AlertView a) => string.Create(CultureInfo.InvariantCulture,
        $"alert {a.Id} ({a.State}{(a.Escalated ? ", escalated" : string.Empty)}): {a.Rule} {a.Condition} {a.Subject} = {a.Value:G6} (threshold {a.Threshold:G6}), raised {a.RaisedAt:yyyy-MM-dd HH:mm:ss} UTC{(a.Comment is { } c ? $"; {a.AcknowledgedBy}: {c}" : string.Empty)}");

    private static string[] List(string? text) => [.. (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Minutes(double minutes) => minutes >= 60 && minutes % 60 == 0 ? $"{minutes / 60:0} h" : $"{minutes:0.#} min";

    private static int Say(CliOutput output, string text)
    {
        output.Out.WriteLine(text);
        return ExitCodes.Ok;
    }

    /// <summary>What the alert grain's refusals start with (after "rule NAME: " or "channel NAME: "), and the option that carried it.</summary>
    private static readonly (string Phrase, string Option)[] Fields =
    [
        ("name", "--name"), ("threshold", "--threshold"), ("channels", "--channels"), ("channel '", "--channels"), ("subject", "--subject"),
        ("throttle", "--throttle-minutes"), ("escalate-after", "--escalate-after-minutes"), ("quiet hours", "--quiet"), ("severity", "--severity"),
        ("condition", "--condition"), ("comment", "--comment"), ("there is no alert", "id"), ("there is no channel", "--channel"),
        ("observation", "--subject/--value"), ("setting", "--setting"), ("the secret", "--secret-env"), ("channel kind", "--kind"),
    ];

    /// <summary>The grain's refusals ("rule x: threshold must be a number") as a one-line CLI error (exit 1) naming the option.</summary>
    private static Task<T> Run<T>(Func<Task<T>> call) =>
        GrainRefusals.RunAsync(call, Fields, m => System.Text.RegularExpressions.Regex.Replace(m, "^(rule|channel) [^:]*: ", string.Empty));
}
