using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Research.Platform.Storage.Audit;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>API keys end to end, administration with step-up, and the sign-in rate limit.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ApiKeyAndAdminTests(ConsolePlatform platform)
{
    [Fact]
    public async Task An_api_key_works_within_its_scopes_and_stops_when_revoked_or_when_its_owner_is_disabled()
    {
        var ct = TestContext.Current.CancellationToken;
        var researcher = await platform.CreateUserAsync("researcher");
        using var browser = platform.NewClient();
        Assert.Equal("/", await browser.SignInAsync(researcher));

        // A step-up action is not offered as a scope, and a scope above the role is refused.
        var (_, _, page) = await browser.GetAsync("/account/api-keys");
        Assert.DoesNotContain("value=\"backtest.prune\"", page, StringComparison.Ordinal);
        var (_, _, refused) = await browser.PostFormAsync("/account/api-keys", "create-key", new Dictionary<string, string> { ["Input.Name"] = "too much", ["Input.Days"] = "30", ["Input.Scopes"] = "audit.view" }, page);
        Assert.Contains("not available to an API key of a researcher", ConsoleClient.Error(refused), StringComparison.Ordinal);

        var (_, _, created) = await browser.PostFormAsync("/account/api-keys", "create-key", new Dictionary<string, string> { ["Input.Name"] = "nightly", ["Input.Days"] = "30", ["Input.Scopes"] = "backtest.view" }, page);
        var secret = Secret().Match(created).Groups[1].Value;
        Assert.StartsWith("rk_", secret, StringComparison.Ordinal);

        using var script = new HttpClient { BaseAddress = platform.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/backtests", UriKind.Relative), ct)).StatusCode);

        // Not scoped for submit: 403 with the reason, audited; a key never opens pages.
        using (var submit = await script.PostAsJsonAsync(new Uri("/api/backtests", UriKind.Relative), new { strategy = "value" }, ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
            Assert.Contains("not scoped for backtest.submit", await submit.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var pageWithKey = await script.GetAsync(new Uri("/backtests", UriKind.Relative), ct))
        {
            Assert.Equal("/signin", pageWithKey.RequestMessage!.RequestUri!.AbsolutePath);
        }

        // Revoked: refused at once.
        var keyId = secret.Split('_')[1];
        var (_, _, listed) = await browser.GetAsync("/account/api-keys");
        var (revoked, _, _) = await browser.PostFormAsync("/account/api-keys", "revoke-" + keyId, new Dictionary<string, string>(), listed);
        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/backtests", UriKind.Relative), ct)).StatusCode);

        // A second key stops when its owner is disabled.
        var (_, _, again) = await browser.PostFormAsync("/account/api-keys", "create-key", new Dictionary<string, string> { ["Input.Name"] = "second", ["Input.Days"] = "30", ["Input.Scopes"] = "backtest.view" }, listed);
        var second = Secret().Match(again).Groups[1].Value;
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/backtests", UriKind.Relative), ct)).StatusCode);
        var admin = await platform.CreateUserAsync("admin");
        using var adminBrowser = platform.NewClient();
        Assert.Equal("/", await adminBrowser.SignInAsync(admin));
        var (_, _, message) = await adminBrowser.SubmitAsync("/admin/users", "change-user", new Dictionary<string, string>
        {
            ["Change.UserName"] = researcher.Name,
            ["Change.Operation"] = "disable",
            ["Change.Reason"] = "left the firm",
            ["Change.Code"] = Totp.Code(admin.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(30)),
        });
        Assert.Contains("disabled; sessions ended, API keys revoked", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/backtests", UriKind.Relative), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).Status); // the browser session ended too

        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Limit: 1000), ct);
        Assert.Contains(rows, r => r.Entry.Actor == researcher.Name && r.Entry.Action == "apikey.create" && r.Entry.Outcome == "ok");
        Assert.Contains(rows, r => r.Entry.Actor == researcher.Name && r.Entry.Action == "apikey.revoke" && r.Entry.Outcome == "ok");
        Assert.Contains(rows, r => r.Entry.Actor == researcher.Name && r.Entry.Action == "backtest.submit" && r.Entry.Outcome == "denied" && r.Entry.Source!.StartsWith("api-key", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Entry.Actor == admin.Name && r.Entry.Action == "admin.user.disable" && r.Entry.Target == researcher.Name && r.Entry.Reason == "left the firm");
    }

    [Fact]
    public async Task Administrative_changes_need_a_current_authenticator_code_and_a_new_user_gets_a_one_time_password()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await platform.CreateUserAsync("admin");
        using var browser = platform.NewClient();
        Assert.Equal("/", await browser.SignInAsync(admin));
        var name = "newhire" + Guid.NewGuid().ToString("N")[..6];

        var (_, _, missing) = await browser.SubmitAsync("/admin/users", "create-user", new Dictionary<string, string> { ["Create.UserName"] = name, ["Create.Role"] = "researcher", ["Create.Reason"] = "joined" });
        Assert.Contains("needs a code from your authenticator", ConsoleClient.Error(missing), StringComparison.Ordinal);
        var (_, _, wrong) = await browser.SubmitAsync("/admin/users", "create-user", new Dictionary<string, string> { ["Create.UserName"] = name, ["Create.Role"] = "researcher", ["Create.Reason"] = "joined", ["Create.Code"] = Totp.Wrong(admin.TotpKey!, DateTimeOffset.UtcNow) });
        Assert.Contains("authenticator code is wrong or expired", ConsoleClient.Error(wrong), StringComparison.Ordinal);

        var (_, _, ok) = await browser.SubmitAsync("/admin/users", "create-user", new Dictionary<string, string> { ["Create.UserName"] = name, ["Create.Role"] = "researcher", ["Create.Reason"] = "joined", ["Create.Code"] = Totp.Code(admin.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(60)) });
        var password = OneTimePassword().Match(ok).Groups[1].Value;
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", password);

        // The new user signs in with it and is held at the password change.
        using var newcomer = platform.NewClient();
        Assert.Equal("/", await newcomer.SignInAsync(new TestUser(name, "researcher", password, null, string.Empty)));
        Assert.Equal("/account/password", (await newcomer.GetAsync("/backtests")).Location);

        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: admin.Name, Limit: 50), ct);
        Assert.Equal(2, rows.Count(r => r.Entry.Action == "admin.users.manage" && r.Entry.Outcome == "denied"));
        Assert.Contains(rows, r => r.Entry.Action == "admin.user.create" && r.Entry.Target == name && r.Entry.Outcome == "ok" && r.Entry.Reason == "joined");
        Assert.DoesNotContain(rows, r => (r.Entry.Details ?? string.Empty).Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_in_attempts_over_the_limit_get_429()
    {
        var settings = new Dictionary<string, string?>(platform.Configuration)
        {
            [Research.Grains.Client.ConfigurationKeys.SignInsPerMinute] = "3",
            [Research.Grains.Client.ConfigurationKeys.Urls] = "http://127.0.0.1:0",
        };
        await using var limited = await ConsolePlatform.StartConsoleAsync(settings);
        var address = new Uri(limited.Urls.First());
        using var client = new ConsoleClient(address);
        var user = new TestUser("nobody-" + Guid.NewGuid().ToString("N")[..6], "viewer", "wrong password here", null, string.Empty);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var (status, _, _) = await client.SubmitAsync("/signin", "signin", new Dictionary<string, string> { ["Input.UserName"] = user.Name, ["Input.Password"] = user.Password });
            statuses.Add(status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin")).Status); // reading the page is not limited
        await limited.StopAsync(TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("<code id=\"secret\">(rk_[0-9a-f_]+)</code>")]
    private static partial Regex Secret();

    [GeneratedRegex("One-time password \\(shown once; they change it at first sign-in\\): ([a-z2-9-]+)")]
    private static partial Regex OneTimePassword();
}
