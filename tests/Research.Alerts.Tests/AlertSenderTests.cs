using System.Text;
using System.Web;
using netDumbster.smtp;
using Research.Testing;

namespace Research.Alerts.Tests;

/// <summary>Each channel against its local stand-in: what arrives, retries with their attempts, failures with reasons, no secret in an error.</summary>
public sealed class AlertSenderTests
{
    private static readonly AlertMessage Message = new(42, "[CRITICAL] dd-desk: drawdown account:desk-1 = 0.07 (threshold >= 0.05)",
        "Rule: dd-desk\nValue: 0.07\nThreshold: >= 0.05\nConsole: http://127.0.0.1:5000/trading", AlertSeverity.Critical, new Uri("http://127.0.0.1:5000/trading"), false);

    private static AlertSender Sender(HttpClient http) => new(http, TimeProvider.System);

    [Fact]
    public async Task Email_arrives_at_the_SMTP_server_with_the_title_and_the_body()
    {
        using var smtp = SimpleSmtpServer.Start(FreePorts.Next());
        var channel = new AlertChannel("ops-mail", ChannelKind.Email, new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["from"] = "alerts@research.local",
            ["to"] = "ops@research.local, risk@research.local",
            ["security"] = "none",
        }, null);
        using var http = new HttpClient();
        var attempts = await Sender(http).DeliverAsync(channel, Message, 3, TimeSpan.FromMilliseconds(10), 1, TestContext.Current.CancellationToken);
        Assert.True(Assert.Single(attempts).Delivered);
        var mail = Assert.Single(smtp.ReceivedEmail);
        Assert.Equal(Message.Title, mail.Subject);
        Assert.Equal(2, mail.ToAddresses.Length);
        Assert.Contains("Threshold: >= 0.05", mail.MessageParts[0].BodyData, StringComparison.Ordinal);

        smtp.Stop(); // refused from now on: transient, retried, then failed with the reason
        var refused = await Sender(http).DeliverAsync(channel, Message, 2, TimeSpan.FromMilliseconds(10), 1, TestContext.Current.CancellationToken);
        Assert.Equal([1, 2], refused.Select(a => a.Number));
        Assert.All(refused, a => Assert.Contains("could not be used", a.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Slack_answering_500_twice_then_200_is_delivered_on_the_third_attempt_with_every_attempt_recorded()
    {
        await using var slack = new HttpStub();
        slack.Fail(500).Fail(500);
        var channel = new AlertChannel("ops-slack", ChannelKind.Slack, new Dictionary<string, string>(), new Uri(slack.Address, "services/T000/B000/secret-token").ToString());
        using var http = new HttpClient();
        var attempts = await Sender(http).DeliverAsync(channel, Message, 3, TimeSpan.FromMilliseconds(10), 1, TestContext.Current.CancellationToken);
        Assert.Equal([(1, false), (2, false), (3, true)], attempts.Select(a => (a.Number, a.Delivered)));
        Assert.Contains("Slack answered 500", attempts[0].Reason, StringComparison.Ordinal);
        var posted = Assert.Single(slack.Delivered);
        Assert.Equal($"*{Message.Title}*\n{Message.Body}", (string?)System.Text.Json.Nodes.JsonNode.Parse(posted.Body)!["text"]);
        Assert.Equal("/services/T000/B000/secret-token", posted.Path);
        Assert.All(attempts, a => Assert.DoesNotContain("secret-token", a.Reason ?? string.Empty, StringComparison.Ordinal));

        slack.Fail(404, "no_service"); // permanent: not retried
        var gone = await Sender(http).DeliverAsync(channel, Message, 3, TimeSpan.FromMilliseconds(10), 4, TestContext.Current.CancellationToken);
        Assert.Equal(4, Assert.Single(gone).Number);
        Assert.Contains("404", gone[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_gets_a_form_post_with_basic_auth_and_429_and_a_slow_answer_are_retried()
    {
        await using var twilio = new HttpStub(201, """{"sid":"SM123","status":"queued"}""");
        var channel = new AlertChannel("ops-sms", ChannelKind.Sms, new Dictionary<string, string>
        {
            ["account-sid"] = "AC123",
            ["from"] = "+15005550006",
            ["to"] = "+15005550010",
            ["base-url"] = twilio.Address.ToString(),
        }, "auth-token-secret");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        twilio.Fail(429, """{"code":20429,"message":"Too Many Requests"}""").Fail(201, "{}", hang: true);
        var attempts = await Sender(http).DeliverAsync(channel, Message, 3, TimeSpan.FromMilliseconds(10), 1, TestContext.Current.CancellationToken);
        Assert.Equal([false, false, true], attempts.Select(a => a.Delivered));
        Assert.Contains("Too Many Requests", attempts[0].Reason, StringComparison.Ordinal);
        Assert.Contains("did not answer within 1 s", attempts[1].Reason, StringComparison.Ordinal);
        var sent = twilio.Delivered[^1];
        Assert.Equal("/2010-04-01/Accounts/AC123/Messages.json", sent.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC123:auth-token-secret")), sent.Headers["Authorization"]);
        var form = HttpUtility.ParseQueryString(sent.Body);
        Assert.Equal(("+15005550010", "+15005550006"), (form["To"], form["From"]));
        Assert.StartsWith(Message.Title, form["Body"], StringComparison.Ordinal);
        Assert.EndsWith("/trading", form["Body"], StringComparison.Ordinal);
    }

    [Fact]
    public void Channels_state_what_is_missing_and_never_show_their_secret()
    {
        var slack = new AlertChannel("s", ChannelKind.Slack, new Dictionary<string, string>(), "http://hooks.example.com/x");
        Assert.Contains("https", slack.Problem(), StringComparison.Ordinal);
        Assert.Contains("'to' is missing", new AlertChannel("m", ChannelKind.Email, new Dictionary<string, string> { ["host"] = "h", ["port"] = "25", ["from"] = "a@b.c" }, null).Problem(), StringComparison.Ordinal);
        Assert.Contains("auth token", new AlertChannel("t", ChannelKind.Sms, new Dictionary<string, string> { ["account-sid"] = "AC1", ["from"] = "+1", ["to"] = "+2" }, null).Problem(), StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.example.com", slack.ToString(), StringComparison.Ordinal);
    }
}
