using System.Collections.Specialized;
using System.Net;

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
public sealed class HttpStub : LocalHttpServer
{
    private readonly Lock _gate = new();
    private readonly Queue<(int Status, string Body, bool Hang)> _faults = new();
    private readonly List<(StubRequest Request, int Status)> _requests = [];
    private readonly int _status;
    private readonly string _body;
    private bool _down;

    public HttpStub(int status = 200, string body = "ok")
    {
        (_status, _body) = (status, body);
        Start();
    }

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

    protected override async Task<(int Status, string Body)?> AnswerAsync(HttpListenerRequest request, string body)
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        (int Status, string Body, bool Hang) reply;
        lock (_gate)
        {
            reply = _down ? (503, """{"message":"stub down"}""", false) : _faults.Count > 0 ? _faults.Dequeue() : (_status, _body, false);
        }

        if (reply.Hang)
        {
            await Closing.ConfigureAwait(false); // a slow answer: held until the stub closes
            return null;
        }

        lock (_gate)
        {
            _requests.Add((new StubRequest(request.HttpMethod, request.Url!.AbsolutePath, new NameValueCollection(request.Headers), body, DateTimeOffset.UtcNow, arrived), reply.Status));
        }

        return (reply.Status, reply.Body);
    }
}
