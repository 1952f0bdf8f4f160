using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Research.Alerts;

public enum ChannelKind
{
    Email,
    Slack,
    Sms,
}

/// <summary>
/// A delivery channel. <see cref="Settings"/> are shown (email: <c>host</c>, <c>port</c>, <c>from</c>, <c>to</c>,
/// <c>security</c> none|starttls|ssl, <c>user</c>; sms: <c>account-sid</c>, <c>from</c>, <c>to</c>, <c>base-url</c>);
/// <see cref="Secret"/> (the SMTP password, the Slack webhook address, Twilio's auth token) is stored but never
/// logged, printed or returned after entry.
/// </summary>
public sealed record AlertChannel(string Name, ChannelKind Kind, IReadOnlyDictionary<string, string> Settings, string? Secret)
{
    public override string ToString() => $"{Name} ({Kind.ToString().ToLowerInvariant()}, secret {(string.IsNullOrEmpty(Secret) ? "not set" : "set")})";

    public string Setting(string key) => Settings.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v : throw new ArgumentException($"setting '{key}' is missing");

    /// <summary>What is wrong with the channel, naming the setting, or null.</summary>
    public string? Problem()
    {
        try
        {
            switch (Kind)
            {
                case ChannelKind.Email:
                    _ = Setting("host");
                    _ = MailboxAddress.Parse(Setting("from"));
                    _ = InternetAddressList.Parse(Setting("to"));
                    return int.TryParse(Setting("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? null : "setting 'port' must be a port number";
                case ChannelKind.Slack:
                    return Uri.TryCreate(Secret, UriKind.Absolute, out var hook) && (hook.Scheme == "https" || (hook.Scheme == "http" && hook.IsLoopback))
                        ? null : "the secret must be the Slack incoming-webhook address (https)";
                case ChannelKind.Sms:
                    _ = Setting("account-sid");
                    _ = Setting("from");
                    _ = Setting("to");
                    return string.IsNullOrEmpty(Secret) ? "the secret must be Twilio's auth token" : null;
                default:
                    return $"kind {Kind} is not email, slack or sms";
            }
        }
        catch (Exception e) when (e is ArgumentException or ParseException or FormatException)
        {
            return e.Message;
        }
    }
}

/// <summary>
/// What one alert says: a title, a body with the rule, value, threshold and a console link, the severity.
/// <see cref="Attachments"/> (a report's PDF) go with email only; Slack and SMS carry the link.
/// </summary>
public sealed record AlertMessage(long AlertId, string Title, string Body, AlertSeverity Severity, Uri Link, bool Escalated, IReadOnlyList<MessageAttachment>? Attachments = null);

/// <summary>A file sent with an email message.</summary>
public sealed record MessageAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>A delivery attempt failed. <see cref="Transient"/>: worth retrying now (refused, timeout, 429, 5xx, SMTP 4xx).</summary>
public sealed class DeliveryException(string reason, bool transient, Exception? inner = null) : Exception(reason, inner)
{
    public bool Transient { get; } = transient;
}

/// <summary>One attempt to deliver to a channel: when, whether it was delivered, and why not.</summary>
public sealed record DeliveryAttempt(int Number, DateTimeOffset At, bool Delivered, string? Reason);

/// <summary>
/// Sends alert messages: email over SMTP (MailKit), Slack incoming webhooks (a JSON POST), SMS through Twilio's REST API
/// (<c>POST {base}/2010-04-01/Accounts/{sid}/Messages.json</c>, form fields To, From, Body, basic auth sid:token).
/// Every error names the channel and what answered; no error carries a secret.
/// </summary>
/// <param name="clock">Timestamps of attempts.</param>
/// <param name="waits">The retry delays' clock (default <paramref name="clock"/>; a test on a fake clock passes the system's, so retries are not parked forever).</param>
public sealed class AlertSender(HttpClient http, TimeProvider clock, TimeProvider? waits = null)
{
    /// <summary>Retries within one delivery: transient failures up to <paramref name="attempts"/> in all, exponential backoff from <paramref name="firstDelay"/> with jitter.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> DeliverAsync(AlertChannel channel, AlertMessage message, int attempts, TimeSpan firstDelay, int firstNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var log = new List<DeliveryAttempt>();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = waits ?? clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeliveryException>(e => e.Transient),
                MaxRetryAttempts = Math.Max(0, attempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay,
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                var number = firstNumber + log.Count;
                try
                {
                    await SendAsync(channel, message, ct).ConfigureAwait(false);
                    log.Add(new DeliveryAttempt(number, clock.GetUtcNow(), true, null));
                }
                catch (DeliveryException e)
                {
                    log.Add(new DeliveryAttempt(number, clock.GetUtcNow(), false, e.Message));
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryException)
        {
            // recorded in the log; the caller schedules the next round
        }

        return log;
    }

    /// <summary>One attempt; throws <see cref="DeliveryException"/> on failure.</summary>
    public async Task SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        if (channel.Problem() is { } problem)
        {
            throw new DeliveryException($"channel {channel.Name}: {problem}.", transient: false);
        }

        switch (channel.Kind)
        {
            case ChannelKind.Email:
                await EmailAsync(channel, message, cancellationToken).ConfigureAwait(false);
                break;
            case ChannelKind.Slack:
                var text = $"*{message.Title}*\n{message.Body}";
                using (var request = new HttpRequestMessage(HttpMethod.Post, channel.Secret) { Content = new StringContent(new JsonObject { ["text"] = text }.ToJsonString(), Encoding.UTF8, "application/json") })
                {
                    await PostAsync(channel, request, "Slack", cancellationToken).ConfigureAwait(false);
                }

                break;
            case ChannelKind.Sms:
                var sid = channel.Setting("account-sid");
                var root = channel.Settings.TryGetValue("base-url", out var b) && !string.IsNullOrWhiteSpace(b) ? b.TrimEnd('/') : "https://api.twilio.com";
                var body = message.Title + " " + message.Link;
                using (var request = new HttpRequestMessage(HttpMethod.Post, $"{root}/2010-04-01/Accounts/{Uri.EscapeDataString(sid)}/Messages.json")
                {
                    Content = new FormUrlEncodedContent([new("To", channel.Setting("to")), new("From", channel.Setting("from")), new("Body", body.Length <= 1600 ? body : body[..1600])]),
                })
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sid}:{channel.Secret}")));
                    await PostAsync(channel, request, "Twilio", cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task PostAsync(AlertChannel channel, HttpRequestMessage request, string service, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DeliveryException($"channel {channel.Name}: {service} could not be reached ({e.HttpRequestError}).", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"channel {channel.Name}: {service} did not answer within {http.Timeout.TotalSeconds:F0} s.", transient: true, e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var said = Said(text);
            var transient = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            throw new DeliveryException($"channel {channel.Name}: {service} answered {(int)response.StatusCode} {response.ReasonPhrase}{(said.Length > 0 ? ": " + said : string.Empty)}.", transient);
        }
    }

    private static async Task EmailAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(channel.Setting("from")));
        mail.To.AddRange(InternetAddressList.Parse(channel.Setting("to")));
        mail.Subject = message.Title;
        mail.Priority = message.Severity == AlertSeverity.Critical ? MessagePriority.Urgent : MessagePriority.Normal;
        var body = new BodyBuilder { TextBody = message.Body };
        foreach (var attachment in message.Attachments ?? [])
        {
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        mail.Body = body.ToMessageBody();
        var security = (channel.Settings.TryGetValue("security", out var s) ? s : "starttls") switch
        {
            "none" => SecureSocketOptions.None,
            "ssl" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        using var smtp = new SmtpClient { Timeout = 10_000 };
        try
        {
            await smtp.ConnectAsync(channel.Setting("host"), int.Parse(channel.Setting("port"), CultureInfo.InvariantCulture), security, cancellationToken).ConfigureAwait(false);
            if (channel.Settings.TryGetValue("user", out var user) && !string.IsNullOrWhiteSpace(user))
            {
                await smtp.AuthenticateAsync(user, channel.Secret ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            await smtp.SendAsync(mail, cancellationToken).ConfigureAwait(false);
            await smtp.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpCommandException e)
        {
            throw new DeliveryException($"channel {channel.Name}: the SMTP server refused ({(int)e.StatusCode} {e.Message}).", transient: (int)e.StatusCode is >= 400 and < 500, e);
        }
        catch (AuthenticationException e)
        {
            throw new DeliveryException($"channel {channel.Name}: the SMTP server refused the user and password.", transient: false, e);
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException($"channel {channel.Name}: the SMTP server at {channel.Setting("host")}:{channel.Setting("port")} could not be used ({e.GetType().Name}: {e.Message}).", transient: true, e);
        }
    }

    private static string Said(string text)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject o && o["message"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : Clip(text);
        }
        catch (JsonException)
        {
            return Clip(text);
        }
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
