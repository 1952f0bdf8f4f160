using System.Collections.Specialized;
using System.Net;
using System.Text;

namespace Research.Testing;

/// <summary>A request a <see cref="HttpStub"/> received.</summary>
/// <param name="Timestamp">When it arrived, as <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> (for latency measurements).</param>
public sealed record StubRequest(string Method, string Path, NameValueCollection Headers, string Body, DateTimeOffset At, long Timestamp);

/// <summary>
/// A local HTTP stand-in (HttpListener on 127.0.0.1) for webhook-style services (Slack's incoming webhooks, Twilio's
/// Messages API): every request is kept with its headers and body and answered with the default status and body,
/// unless faults queued with <see cref="Fail"/> (a status, or no answer at all) come first. <see cref="Down"/>
/// answers 503 until <see cref="Up"/>. Only requests answered with a 2xx count as <see cref="Delivered"/>.
/// </summary>
public sealed class HttpStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Queue<(int Status, string Body, bool Hang)> _faults = new();
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(StubRequest Request, int Status)> _requests = [];
    private readonly Task _loop;
    private readonly int _status;
    private readonly string _body;
    private bool _down;

    public HttpStub(int status = 200, string body = "ok")
    {
        (_status, _body) = (status, body);
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public IReadOnlyList<(StubRequest Request, int Status)> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<StubRequest> Delivered => [.. Requests.Where(r => r.Status is >= 200 and < 300).Select(r => r.Request)];

    /// <summary>Answers the next request with <paramref name="status"/>; with <paramref name="hang"/>, never (the client's timeout ends it).</summary>
    public HttpStub Fail(int status, string body = """{"message":"stub fault"}""", bool hang = false)
    {
        lock (_gate)
        {
            _faults.Enqueue((status, body, hang));
        }

        return this;
    }

    public void Down()
    {
        lock (_gate)
        {
            _down = true;
        }
    }

    public void Up()
    {
        lock (_gate)
        {
            _down = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing.TrySetResult();
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        (int Status, string Body, bool Hang) reply;
        lock (_gate)
        {
            reply = _down ? (503, """{"message":"stub down"}""", false) : _faults.Count > 0 ? _faults.Dequeue() : (_status, _body, false);
        }

        if (reply.Hang)
        {
            await _closing.Task.ConfigureAwait(false); // a slow answer: held until the stub closes
            return;
        }

        lock (_gate)
        {
            _requests.Add((new StubRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, new NameValueCollection(context.Request.Headers), body, DateTimeOffset.UtcNow, arrived), reply.Status));
        }

        try
        {
            context.Response.StatusCode = reply.Status;
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.ContentLength64 = bytes.Length; // one write with its length: no chunked ending for the client to wait on
            context.Response.Close(bytes, willBlock: false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the client gave up (a timeout test): nothing to answer
        }
    }
}
