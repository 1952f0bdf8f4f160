using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Reports;
using Spectre.Console;

namespace Research.Cli.Commands.Reports;

/// <summary>
/// <c>research reports run|schedule|archive</c>: reports through the cluster. A report is HTML and PDF (printed in the
/// silo's Chromium), archived with the data versions it read, and sent through the alert channels named.
/// </summary>
public static class ReportsCommand
{
    private static readonly string[] Templates = ["backtest", "strategy", "data-quality", "risk"];

    public static Command Create(CliOutput output)
    {
        var reports = new Command("reports", "Reports (backtest or strategy tear sheet, data quality) as HTML and PDF: made now, on a schedule, kept in an archive, sent through the alert channels.");
        reports.Subcommands.Add(Run(output));
        reports.Subcommands.Add(Schedule(output));
        reports.Subcommands.Add(Archive(output));
        return reports;
    }

    private static Task<ClusterConnection> Connect(ParseResult parse, CancellationToken ct) =>
        ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "reports are made and archived by the cluster");

    private static IReportGrain Reports(ClusterConnection cluster) => cluster.Client.GetGrain<IReportGrain>(0);

    private static IReportScheduleGrain Schedules(ClusterConnection cluster) => cluster.Client.GetGrain<IReportScheduleGrain>(IReportScheduleGrain.Key);

    private static Option<string> TemplateOption()
    {
        return new Option<string>("--template") { Description = "backtest (a job's tear sheet), strategy (a strategy's pinned or latest backtest), data-quality (the whole warehouse) or risk (a job's last positions on the stored risk model).", Required = true }
            .OneOf(Templates);
    }

    private static Option<string?> SubjectOption() => new("--subject") { Description = "The job id (backtest, risk) or the strategy name (strategy); none for data-quality." };

    private static Option<string?> ChannelsOption(string description) => new("--channels") { Description = description };

    private static Command Run(CliOutput output)
    {
        var template = TemplateOption();
        var subject = SubjectOption();
        var channels = ChannelsOption("Alert channels to send it to, comma-separated (default: archive only).");
        var save = new Option<string?>("--out") { Description = "Also save it here: the PDF for a .pdf name, else the HTML page." }.WritableFile();
        var command = new Command("run", "Make a report now (researcher): archived, and sent to --channels.") { template, subject, channels, save, ClusterOptions.Gateway };
        command.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var report = await Call(() => Reports(cluster).RunAsync(parse.GetValue(template)!, parse.GetValue(subject), List(parse.GetValue(channels)))).ConfigureAwait(false);
            if (parse.GetValue(save) is { } file)
            {
                await SaveAsync(output, Reports(cluster), report, file, ct).ConfigureAwait(false);
            }

            output.Done(parse, Line(report), report);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Schedule(CliOutput output)
    {
        var schedule = new Command("schedule", "List the report schedules with their next run and last outcome.") { ClusterOptions.Gateway };
        schedule.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var list = await Schedules(cluster).ListAsync().ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            if (list.Length == 0)
            {
                output.Out.WriteLine("no report schedule (add one: research reports schedule set).");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Schedule", "Template", "Subject", "Cron", "Zone", "Channels", "Next run (UTC)", "Last run");
            foreach (var s in list)
            {
                table.AddRow(Markup.Escape(s.Schedule.Name), s.Schedule.Template, Markup.Escape(s.Schedule.Subject ?? "-"), Markup.Escape(s.Schedule.Cron), s.Schedule.TimeZone,
                    s.Schedule.Channels.Length == 0 ? "archive only" : string.Join(", ", s.Schedule.Channels), s.NextRunAt is { } n ? n.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-",
                    Markup.Escape(s.LastRun is { } r ? $"{r.Outcome} {r.Started:yyyy-MM-dd HH:mm}{(r.ReportId is null ? string.Empty : " " + r.ReportId)}{(r.Error is null ? string.Empty : ": " + r.Error)}" : "never"));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var name = new Option<string>("--name") { Description = "The schedule's name (letters, digits, '-', '_', '.').", Required = true };
        var template = TemplateOption();
        var subject = SubjectOption();
        var cron = new Option<string>("--cron") { Description = "When, as five cron fields (minute hour day-of-month month day-of-week), e.g. '30 7 * * 1' for Mondays 07:30.", Required = true };
        var zone = new Option<string>("--time-zone") { Description = "The cron's IANA time zone (default America/New_York).", DefaultValueFactory = _ => "America/New_York" };
        var channels = ChannelsOption("Alert channels to send each report to, comma-separated (default: archive only).");
        var set = new Command("set", "Create or replace a schedule (operator).") { name, template, subject, cron, zone, channels, ClusterOptions.Gateway };
        set.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var status = await Call(() => Schedules(cluster).SetAsync(new ReportSchedule(parse.GetValue(name)!, parse.GetValue(template)!, parse.GetValue(subject), parse.GetValue(cron)!,
                parse.GetValue(zone)!, List(parse.GetValue(channels)), Environment.UserName))).ConfigureAwait(false);
            output.Done(parse, $"schedule {status.Schedule.Name}: {status.Schedule.Template} '{status.Schedule.Cron}' ({status.Schedule.TimeZone}); next run {(status.NextRunAt is { } next ? next.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never")}.", status);
            return ExitCodes.Ok;
        });
        schedule.Subcommands.Add(set);

        var removeName = new Option<string>("--name") { Description = "The schedule.", Required = true };
        var remove = new Command("remove", "Remove a schedule (operator); its reports stay in the archive.") { removeName, ClusterOptions.Gateway };
        remove.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var removed = await Call(() => Schedules(cluster).RemoveAsync(parse.GetValue(removeName)!)).ConfigureAwait(false);
            return removed ? Say(output, $"schedule {parse.GetValue(removeName)} removed.") : throw new CliException($"--name: there is no report schedule '{parse.GetValue(removeName)}'.");
        });
        schedule.Subcommands.Add(remove);

        var runName = new Option<string>("--name") { Description = "The schedule.", Required = true };
        var run = new Command("run", "Run a schedule now (operator); its report appears in the archive when done.") { runName, ClusterOptions.Gateway };
        run.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var status = await Call(() => Schedules(cluster).RunNowAsync(parse.GetValue(runName)!)).ConfigureAwait(false);
            output.Done(parse, $"schedule {status.Schedule.Name} started; see research reports archive.", status);
            return ExitCodes.Ok;
        });
        schedule.Subcommands.Add(run);
        return schedule;
    }

    private static Command Archive(CliOutput output)
    {
        var limit = new Option<int>("--limit") { Description = "How many of the newest reports (1 to 500, default 20).", DefaultValueFactory = _ => 20 }.Between(1, 500);
        var template = new Option<string?>("--template") { Description = "Only reports of this template." }.OneOf(Templates);
        var archive = new Command("archive", "The report archive, newest first: when, why, the data versions, PDF or why not, deliveries.") { limit, template, ClusterOptions.Gateway };
        archive.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var list = await Reports(cluster).ListAsync(parse.GetValue(limit), parse.GetValue(template)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(list);
                return ExitCodes.Ok;
            }

            if (list.Length == 0)
            {
                output.Out.WriteLine("the archive has no report yet (make one: research reports run).");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Report", "Made (UTC)", "Template", "Subject", "Why", "PDF", "Deliveries", "Data versions");
            foreach (var r in list)
            {
                table.AddRow(r.Id, r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), r.Template, Markup.Escape(r.Subject ?? "-"), Markup.Escape($"{r.Trigger} ({r.RequestedBy})"),
                    Markup.Escape(r.HasPdf ? "yes" : "no: " + r.PdfError), Markup.Escape(Deliveries(r)), Markup.Escape(string.Join(", ", r.DataVersions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}"))));
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "The report's id (from research reports archive)." };
        var format = new Option<string>("--format") { Description = "pdf (default) or html.", DefaultValueFactory = _ => "pdf" }.OneOf("pdf", "html");
        var save = new Option<string?>("--out") { Description = "Where to write the file.", Required = true }.WritableFile();
        var get = new Command("get", "Download an archived report's PDF or HTML (audited).") { id, format, save, ClusterOptions.Gateway };
        get.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var file = await Call(() => Reports(cluster).DownloadAsync(parse.GetValue(id)!, parse.GetValue(format)!)).ConfigureAwait(false);
            await File.WriteAllBytesAsync(parse.GetValue(save)!, file.Content, ct).ConfigureAwait(false);
            return Say(output, $"wrote {parse.GetValue(save)} ({file.Content.Length:N0} bytes).");
        });
        archive.Subcommands.Add(get);

        var resendId = new Argument<string>("id") { Description = "The report's id." };
        var channels = new Option<string?>("--channels") { Description = "Alert channels to send it to, comma-separated.", Required = true };
        var resend = new Command("resend", "Send an archived report again (operator).") { resendId, channels, ClusterOptions.Gateway };
        resend.SetAction(async (parse, ct) =>
        {
            await using var cluster = await Connect(parse, ct).ConfigureAwait(false);
            var report = await Call(() => Reports(cluster).ResendAsync(parse.GetValue(resendId)!, List(parse.GetValue(channels)))).ConfigureAwait(false);
            output.Done(parse, $"report {report.Id}: {Deliveries(report)}.", report);
            return ExitCodes.Ok;
        });
        archive.Subcommands.Add(resend);
        return archive;
    }

    private static async Task SaveAsync(CliOutput output, IReportGrain grain, ReportInfo report, string path, CancellationToken ct)
    {
        var pdf = path.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);
        if (pdf && !report.HasPdf)
        {
            throw new CliException($"--out: report {report.Id} has no PDF ({report.PdfError}); it is archived as HTML (save it as .html).");
        }

        var file = await grain.DownloadAsync(report.Id, pdf ? "pdf" : "html").ConfigureAwait(false);
        await File.WriteAllBytesAsync(path, file.Content, ct).ConfigureAwait(false);
        output.Info($"wrote {path}");
    }

    private static string Line(ReportInfo r) =>
        $"report {r.Id}: {r.Title}; {string.Join("; ", r.Highlights)}; {(r.HasPdf ? "PDF" : "no PDF: " + r.PdfError)}; {Deliveries(r)}.";

    private static string Deliveries(ReportInfo r) =>
        r.Deliveries.Length == 0 ? "archived only" : string.Join(", ", r.Deliveries.Select(d => d.Delivered ? $"sent to {d.Channel}" : $"not sent to {d.Channel} ({d.Reason})"));

    private static string[] List(string? text) => [.. (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int Say(CliOutput output, string text)
    {
        output.Out.WriteLine(text);
        return ExitCodes.Ok;
    }

    /// <summary>What the report grains' refusals start with, and the option that carried it.</summary>
    private static readonly (string Phrase, string Option)[] Fields =
    [
        ("template", "--template"), ("subject", "--subject"), ("channels", "--channels"), ("name", "--name"), ("Cron expression", "--cron"), ("Time zone", "--time-zone"),
        ("format", "--format"), ("report '", "id"), ("there is no report schedule", "--name"),
    ];

    /// <summary>A refusal ("subject: job 'x' has no stored result.") as a one-line CLI error (exit 1) naming the option.</summary>
    private static Task<T> Call<T>(Func<Task<T>> call) => GrainRefusals.RunAsync(call, Fields);
}
