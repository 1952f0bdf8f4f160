using System.Net;
using System.Text;

namespace Research.Testing;

/// <summary>
/// What the local HTTP stand-ins share: an HttpListener on 127.0.0.1 at a free port, a loop that hands each request
/// (with its body read) to <see cref="AnswerAsync"/>, answers written with their length (a chunked answer makes clients
/// wait on Nagle and delayed ACK), and a dispose that stops the loop and releases requests held open.
/// </summary>
public abstract class LocalHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    protected LocalHttpServer()
    {
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>Completes when the server is disposed: an answer that should never come awaits it.</summary>
    protected Task Closing => _closing.Task;

    /// <summary>Starts listening (called by the derived constructor once its state is ready).</summary>
    protected void Start()
    {
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The answer to one request: a status and a JSON or text body, or null to leave it unanswered.</summary>
    protected abstract Task<(int Status, string Body)?> AnswerAsync(HttpListenerRequest request, string body);

    public async ValueTask DisposeAsync()
    {
        _closing.TrySetResult();
        _listener.Stop();
        _listener.Close();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
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

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        if (await AnswerAsync(context.Request, body).ConfigureAwait(false) is not { } reply)
        {
            return;
        }

        try
        {
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.ContentLength64 = bytes.Length;
            context.Response.Close(bytes, willBlock: false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the client gave up (a timeout test): nothing to answer
        }
    }
}
