using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Research.Grains.Client.Notebooks;

/// <summary>Where notebook servers live and how long they may run.</summary>
/// <param name="Root">Sessions, the users' notebook folders and the helper module (default <c>&lt;DataRoot&gt;/notebooks</c>).</param>
/// <param name="WarehouseRoot">The warehouse folder, told to the notebook as <c>RESEARCH_WAREHOUSE</c> (read it through the helper, not by hand).</param>
/// <param name="Jupyter">The classic notebook server (Debian's <c>jupyter-notebook</c>).</param>
/// <param name="IdleTimeout">A session nobody opened for this long is stopped (only sessions this process proxies have a known last use).</param>
/// <param name="MaxAge">Every session is stopped this long after it started.</param>
/// <param name="MaxPerOwner">Running sessions one owner may have.</param>
/// <param name="StartTimeout">How long the server may take to answer before the start is given up.</param>
public sealed record NotebookOptions(string Root, string WarehouseRoot, string Jupyter = "/usr/bin/jupyter-notebook", TimeSpan? IdleTimeout = null, TimeSpan? MaxAge = null,
    int MaxPerOwner = 2, TimeSpan? StartTimeout = null)
{
    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromHours(2);

    public TimeSpan Age => MaxAge ?? TimeSpan.FromHours(12);

    public TimeSpan Start => StartTimeout ?? TimeSpan.FromSeconds(90);

    /// <summary>The options for <paramref name="dataRoot"/> from settings (<see cref="ConfigurationKeys"/>' Notebooks keys); a bad number is refused by name.</summary>
    public static NotebookOptions From(Func<string, string?> setting, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(setting);
        double Positive(string key, double fallback) => setting(key) is not { Length: > 0 } text ? fallback
            : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v
            : throw new ArgumentException($"{key}: '{text}' is not a positive number.");
        return new NotebookOptions(Path.Combine(dataRoot, "notebooks"), dataRoot, setting(ConfigurationKeys.NotebooksJupyter) is { Length: > 0 } j ? j : "/usr/bin/jupyter-notebook",
            TimeSpan.FromMinutes(Positive(ConfigurationKeys.NotebooksIdleMinutes, 120)), TimeSpan.FromHours(Positive(ConfigurationKeys.NotebooksMaxHours, 12)),
            (int)Positive(ConfigurationKeys.NotebooksPerUser, 2));
    }
}

/// <summary>
/// One running notebook server: whose it is, where it listens (always 127.0.0.1 of <see cref="Host"/>), its token (never
/// shown to anyone but the process that proxies it or the local CLI user who started it), its URL prefix, its lifetime,
/// and the process that started it (<see cref="StartedBy"/>: a console stops its own servers when it stops).
/// </summary>
public sealed record NotebookSession(string Id, string Owner, string OwnerName, string Via, int Port, int Pid, string Token, string BasePath, DateTimeOffset StartedAt,
    DateTimeOffset ExpiresAt, string Workspace, string? ApiKeyId, string Host = "", int StartedBy = 0)
{
    /// <summary>The server's own address (localhost only).</summary>
    public Uri Upstream => new($"http://127.0.0.1:{Port}{BasePath}");
}

/// <summary>What a start needs beyond the options: who, how the notebook reaches the data, and where its URLs are rooted.</summary>
/// <param name="Owner">The owner's stable id (the user id; <c>local:&lt;os user&gt;</c> from the CLI).</param>
/// <param name="OwnerName">Shown in lists.</param>
/// <param name="Via">console or cli.</param>
/// <param name="BasePath">URL prefix of the server, ending in '/', with <c>{id}</c> for the session id (the console's proxy path).</param>
/// <param name="Environment">Extra variables for the notebook (the console's URL and the session's API key, or the CLI to run).</param>
/// <param name="ApiKeyId">The API key made for this session, revoked when it stops.</param>
public sealed record NotebookStart(string Owner, string OwnerName, string Via, string BasePath, IReadOnlyDictionary<string, string> Environment, string? ApiKeyId = null);

/// <summary>A start or stop that cannot be done, with the reason in words.</summary>
public sealed class NotebookException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Starts, lists and stops classic Jupyter notebook servers, one per session: bound to 127.0.0.1 on a free port,
/// protected by a random token kept in a config file only the platform's OS user can read, with a clean environment
/// (nothing of the caller's secrets), the user's own folder as notebook directory (the template notebooks copied in
/// when missing) and the helper module <c>research_notebook</c> on the path. Sessions are recorded under
/// <c>Root/sessions</c> so the console and the CLI on one host see the same list, and a restarted console finds them
/// again. Each server runs in its own process group; stopping it ends the group (kernels included).
/// </summary>
public sealed partial class NotebookLauncher(NotebookOptions options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly JsonSerializerOptions JupyterJson = new() { WriteIndented = true }; // Jupyter's names as written
    private readonly Dictionary<string, DateTimeOffset> lastUse = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NotebookSession> records = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public NotebookOptions Options => options;

    private string SessionsDir => Path.Combine(options.Root, "sessions");

    /// <summary>Whether the notebook server is installed (the console says so instead of failing on the click).</summary>
    public bool Available => File.Exists(options.Jupyter);

    /// <summary>Starts a server for <paramref name="request"/>'s owner and waits until it answers.</summary>
    public async Task<NotebookSession> StartAsync(NotebookStart request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!OperatingSystem.IsLinux())
        {
            throw new NotebookException("Notebook servers are started on Linux only (process groups, /proc).");
        }

        if (!Available)
        {
            throw new NotebookException($"The notebook server is not installed ({options.Jupyter} is missing): install Debian's jupyter-notebook and python3-pandas.");
        }

        await ExpireAsync().ConfigureAwait(false);
        var running = List().Count(s => s.Owner == request.Owner);
        if (running >= options.MaxPerOwner)
        {
            throw new NotebookException($"{request.OwnerName} already has {running} notebook servers running (at most {options.MaxPerOwner}): stop one first.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var basePath = request.BasePath.Replace("{id}", id, StringComparison.Ordinal);
        if (!basePath.StartsWith('/') || !basePath.EndsWith('/'))
        {
            throw new ArgumentException($"The base path '{basePath}' must start and end with '/'.", nameof(request));
        }

        var session = Path.Combine(SessionsDir, id);
        var workspace = Path.Combine(options.Root, "users", SafeName(request.Owner));
        Directory.CreateDirectory(session, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(workspace);
        var lib = WriteHelper();
        NotebookTemplates.CopyInto(workspace);

        var port = FreePort();
        var config = Path.Combine(session, "config");
        Directory.CreateDirectory(config);
        WritePrivate(Path.Combine(config, "jupyter_notebook_config.json"), JsonSerializer.Serialize(new
        {
            NotebookApp = new Dictionary<string, object>
            {
                ["ip"] = "127.0.0.1",
                ["port"] = port,
                ["port_retries"] = 0,
                ["open_browser"] = false,
                ["token"] = token,
                ["password"] = string.Empty,
                ["base_url"] = basePath,
                ["notebook_dir"] = workspace,
                ["allow_remote_access"] = false,
                ["allow_root"] = true,
                ["terminals_enabled"] = false,
                ["quit_button"] = false,
            },
            MappingKernelManager = new Dictionary<string, object> { ["cull_idle_timeout"] = 3600, ["cull_interval"] = 300 },
        }, JupyterJson));

        var start = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, WorkingDirectory = workspace };
        foreach (var arg in (string[])["/bin/sh", "-c", "exec \"$0\" \"$@\" >\"$RESEARCH_NOTEBOOK_LOG\" 2>&1 </dev/null", options.Jupyter, "--no-browser"])
        {
            start.ArgumentList.Add(arg);
        }

        // A clean environment: the console's own variables (connection strings, keys) never reach a kernel.
        start.Environment.Clear();
        var home = Path.Combine(session, "home");
        Directory.CreateDirectory(home);
        start.Environment["PATH"] = "/usr/bin:/bin:/usr/local/bin";
        start.Environment["HOME"] = home;
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["JUPYTER_CONFIG_DIR"] = config;
        start.Environment["JUPYTER_RUNTIME_DIR"] = Path.Combine(session, "runtime");
        start.Environment["JUPYTER_DATA_DIR"] = Path.Combine(home, "data");
        start.Environment["IPYTHONDIR"] = Path.Combine(home, "ipython");
        start.Environment["MPLCONFIGDIR"] = Path.Combine(home, "matplotlib");
        start.Environment["MPLBACKEND"] = "module://matplotlib_inline.backend_inline";
        start.Environment["PYTHONPATH"] = lib;
        start.Environment["RESEARCH_WAREHOUSE"] = options.WarehouseRoot;
        start.Environment["RESEARCH_NOTEBOOK_OWNER"] = request.OwnerName;
        start.Environment["RESEARCH_NOTEBOOK_LOG"] = Path.Combine(session, "server.log");
        foreach (var (name, value) in request.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new NotebookException("The notebook server did not start.");
        var now = clock.GetUtcNow();
        var record = new NotebookSession(id, request.Owner, request.OwnerName, request.Via, port, process.Id, token, basePath, now, now + options.Age, workspace, request.ApiKeyId,
            Environment.MachineName, Environment.ProcessId);
        WritePrivate(Path.Combine(session, "session.json"), JsonSerializer.Serialize(record, Json));
        try
        {
            await WaitUntilAnsweringAsync(record, process, ct).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(id).ConfigureAwait(false);
            throw;
        }

        Touch(id);
        return record;
    }

    /// <summary>Every recorded session of this host whose server is still running; records of dead servers are removed (another host's are left to it).</summary>
    public IReadOnlyList<NotebookSession> List()
    {
        if (!Directory.Exists(SessionsDir))
        {
            return [];
        }

        var sessions = new List<NotebookSession>();
        foreach (var dir in Directory.GetDirectories(SessionsDir))
        {
            var record = Read(dir);
            if (record is null || record.Host != Environment.MachineName)
            {
                continue;
            }

            if (Alive(record.Pid))
            {
                sessions.Add(record);
            }
            else
            {
                Forget(record.Id);
            }
        }

        return [.. sessions.OrderBy(s => s.StartedAt)];
    }

    /// <summary>The running session <paramref name="id"/>, or null.</summary>
    public NotebookSession? Find(string id) =>
        IsId(id) && Read(Path.Combine(SessionsDir, id)) is { } s && s.Host == Environment.MachineName && Alive(s.Pid) ? s : null;

    /// <summary>Notes that the session was just used (the idle timeout counts from here).</summary>
    public void Touch(string id)
    {
        lock (gate)
        {
            lastUse[id] = clock.GetUtcNow();
        }
    }

    /// <summary>When this process last saw the session used, if it did.</summary>
    public DateTimeOffset? LastUse(string id)
    {
        lock (gate)
        {
            return lastUse.TryGetValue(id, out var at) ? at : null;
        }
    }

    /// <summary>Stops the session's process group (TERM, then KILL after 5 s) and removes its record; false when it was not running.</summary>
    public async Task<bool> StopAsync(string id)
    {
        if (!IsId(id) || Read(Path.Combine(SessionsDir, id)) is not { } record || record.Host != Environment.MachineName)
        {
            return false;
        }

        var wasAlive = Alive(record.Pid);
        if (wasAlive)
        {
            Signal(record.Pid, "TERM");
            for (var i = 0; i < 50 && Alive(record.Pid); i++)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }

            if (Alive(record.Pid))
            {
                Signal(record.Pid, "KILL");
            }
        }

        Forget(id);
        return wasAlive;
    }

    /// <summary>Stops sessions past their end or (when this process saw them used) idle too long; returns what it stopped and why.</summary>
    public async Task<IReadOnlyList<(NotebookSession Session, string Reason)>> ExpireAsync()
    {
        var now = clock.GetUtcNow();
        var stopped = new List<(NotebookSession, string)>();
        foreach (var s in List())
        {
            var used = LastUse(s.Id);
            var reason = now >= s.ExpiresAt ? $"ran {options.Age.TotalHours:0.#} h (the most a session may)"
                : used is { } at && now - at >= options.Idle ? $"unused for {options.Idle.TotalMinutes:0} min"
                : null;
            if (reason is not null && await StopAsync(s.Id).ConfigureAwait(false))
            {
                stopped.Add((s, reason));
            }
        }

        return stopped;
    }

    private async Task WaitUntilAnsweringAsync(NotebookSession session, Process process, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = clock.GetUtcNow() + options.Start;
        var status = new Uri(session.Upstream, "api/status");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new NotebookException($"The notebook server stopped at start (exit {process.ExitCode}): {LogTail(session.Id)}");
            }

            try
            {
                using var ask = new HttpRequestMessage(HttpMethod.Get, status);
                ask.Headers.TryAddWithoutValidation("Authorization", "token " + session.Token);
                using var answer = await http.SendAsync(ask, ct).ConfigureAwait(false);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // slow first answer
            }

            if (clock.GetUtcNow() > deadline)
            {
                throw new NotebookException($"The notebook server did not answer within {options.Start.TotalSeconds:0} s: {LogTail(session.Id)}");
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    private string LogTail(string id)
    {
        var log = Path.Combine(SessionsDir, id, "server.log");
        if (!File.Exists(log))
        {
            return "no log";
        }

        var lines = File.ReadAllLines(log).Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(5);
        return TokenPattern().Replace(string.Join(" | ", lines), "token=<hidden>");
    }

    private string WriteHelper()
    {
        var lib = Path.Combine(options.Root, "lib");
        Directory.CreateDirectory(lib);
        File.WriteAllText(Path.Combine(lib, NotebookTemplates.HelperFile), NotebookTemplates.Helper());
        return lib;
    }

    private void Forget(string id)
    {
        lock (gate)
        {
            lastUse.Remove(id);
            records.Remove(id);
        }

        var dir = Path.Combine(SessionsDir, id);
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // a kernel still writing its runtime file; the next list removes it
        }
    }

    /// <summary>
    /// A session's record: written once at start and never changed, so parsed once and kept (the proxy asks on every
    /// request); the file must still be there (a stop by another process on this host removes it).
    /// </summary>
    private NotebookSession? Read(string dir)
    {
        var id = Path.GetFileName(dir);
        var file = Path.Combine(dir, "session.json");
        lock (gate)
        {
            if (records.TryGetValue(id, out var known))
            {
                if (File.Exists(file))
                {
                    return known;
                }

                records.Remove(id);
                return null;
            }
        }

        try
        {
            var read = File.Exists(file) ? JsonSerializer.Deserialize<NotebookSession>(File.ReadAllText(file), Json) : null;
            if (read is not null)
            {
                lock (gate)
                {
                    records[id] = read;
                }
            }

            return read;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    private static void WritePrivate(string path, string text)
    {
        var temp = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the token is in these files
        }

        using (var stream = new FileStream(temp, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static bool Alive(int pid)
    {
        // /proc/<pid> exists for a live process or a zombie; a zombie's state is 'Z' in /proc/<pid>/stat.
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var close = text.LastIndexOf(')');
            return close > 0 && close + 2 < text.Length && text[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static void Signal(int pid, string signal)
    {
        // The server leads its own process group (setsid): signalling the group reaches its kernels too.
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill") { ArgumentList = { "-" + signal, "--", "-" + pid }, UseShellExecute = false, RedirectStandardError = true });
        kill?.WaitForExit(5000);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static bool IsId(string id) => id.Length == 12 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>A folder name for an owner id: letters, digits, '-', '_' and '.', the rest as '_'.</summary>
    public static string SafeName(string owner) => SafePattern().Replace(owner, "_").Trim('.');

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafePattern();

    [GeneratedRegex("token=[0-9a-f]+")]
    private static partial Regex TokenPattern();
}
