using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Research.Cli.Infrastructure;
using Research.Grains.Client.Notebooks;

namespace Research.Cli.Commands.Notebooks;

/// <summary>
/// <c>research notebooks start|list|stop</c>: Jupyter notebook servers on this host for the local user, the same
/// launcher as the console's (sessions under <c>&lt;DataRoot&gt;/notebooks</c>, listed by both). A server started here
/// queries through this CLI (<c>research query</c>, read-only) unless given the console's URL and an API key, which the
/// backtest template needs.
/// </summary>
public static class NotebooksCommand
{
    public static Command Create(CliOutput output)
    {
        var notebooks = new Command("notebooks", "Jupyter notebook servers (classic notebook) with read-only access to the warehouse: start, list, stop.");
        notebooks.Subcommands.Add(Start(output));
        notebooks.Subcommands.Add(List(output));
        notebooks.Subcommands.Add(Stop(output));
        return notebooks;
    }

    /// <summary>A session as printed: never another user's token.</summary>
    public sealed record NotebookLine(string Id, string Owner, string Via, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, string Workspace, string? Url);

    private static string Me => "local:" + Environment.UserName;

    private static NotebookLauncher Launcher(ParseResult parse)
    {
        var configuration = CliConfiguration.Build(parse);
        var root = CliConfiguration.DataRoot(configuration);
        try
        {
            return new NotebookLauncher(NotebookOptions.From(key => configuration[key], root), TimeProvider.System);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    private static NotebookLine Line(NotebookSession s) =>
        new(s.Id, s.OwnerName, s.Via, s.StartedAt, s.ExpiresAt, s.Workspace, s.Owner == Me && s.Via == "cli" ? $"{s.Upstream}?token={s.Token}" : null);

    private static Command Start(CliOutput output)
    {
        var console = new Option<string?>("--console") { Description = "The console's URL (e.g. http://127.0.0.1:5000): the notebook then reads through its API with --api-key, backtests included." };
        var apiKey = new Option<string?>("--api-key") { Description = "An API key of yours (console: Account > API keys) with warehouse.query and backtest.view; needs --console." };
        var command = new Command("start", "Start a notebook server for you on 127.0.0.1 (a random port and token) and print its address.") { console, apiKey };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(console) is null) != (r.GetValue(apiKey) is null))
            {
                r.AddError("--console and --api-key go together.");
            }
            else if (r.GetValue(console) is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            {
                r.AddError($"--console: '{url}' is not an http(s) address.");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var launcher = Launcher(parse);
            var environment = new Dictionary<string, string>
            {
                ["RESEARCH_CLI"] = JsonSerializer.Serialize(SelfCommand()),
                ["Research__DataRoot"] = launcher.Options.WarehouseRoot,
            };
            if (parse.GetValue(console) is { } url)
            {
                environment["RESEARCH_URL"] = url.TrimEnd('/');
                environment["RESEARCH_API_KEY"] = parse.GetValue(apiKey)!;
            }

            NotebookSession session;
            try
            {
                output.Info("starting the notebook server (a few seconds)...");
                session = await launcher.StartAsync(new NotebookStart(Me, Environment.UserName, "cli", "/nb/{id}/", environment), ct).ConfigureAwait(false);
            }
            catch (NotebookException e)
            {
                throw new CliException(e.Message, e);
            }

            var line = Line(session);
            output.Done(parse, $"notebook server {session.Id} running until {session.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC (stop it: research notebooks stop {session.Id})\n" +
                $"notebooks in {session.Workspace}\nopen {line.Url}", line);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliOutput output)
    {
        var command = new Command("list", "Running notebook servers on this host (the console's too); your own with their address.");
        command.SetAction(async (parse, ct) =>
        {
            var launcher = Launcher(parse);
            foreach (var (session, reason) in await launcher.ExpireAsync().ConfigureAwait(false))
            {
                output.Info($"stopped {session.Id} of {session.OwnerName}: {reason}");
            }

            var lines = launcher.List().Select(Line).ToArray();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(lines);
                return ExitCodes.Ok;
            }

            if (lines.Length == 0)
            {
                output.Out.WriteLine("no notebook server is running (start one: research notebooks start).");
                return ExitCodes.Ok;
            }

            foreach (var l in lines)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{l.Id}  {l.Owner} ({l.Via})  started {l.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}  stops by {l.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC{(l.Url is null ? string.Empty : "  " + l.Url)}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stop(CliOutput output)
    {
        var id = new Argument<string>("id") { Description = "The session id (research notebooks list)." };
        var command = new Command("stop", "Stop a notebook server (its kernels too); your notebooks are kept.") { id };
        command.SetAction(async (parse, ct) =>
        {
            var launcher = Launcher(parse);
            var which = parse.GetValue(id)!;
            var session = launcher.Find(which) ?? throw new CliException($"No notebook server '{which}' is running ('research notebooks list' shows them).");
            await launcher.StopAsync(which).ConfigureAwait(false);
            output.Done(parse, $"notebook server {which} of {session.OwnerName} stopped.", new { stopped = which });
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>How a notebook runs this CLI again: its app host, or the dotnet host with this assembly (also when hosted by a test runner).</summary>
    private static string[] SelfCommand()
    {
        var process = Environment.ProcessPath ?? string.Empty;
        var name = Path.GetFileNameWithoutExtension(process);
        if (name == "research")
        {
            return [process];
        }

        var host = name == "dotnet" ? process
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } set && File.Exists(set) ? set
            : Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return [host, typeof(NotebooksCommand).Assembly.Location];
    }
}
