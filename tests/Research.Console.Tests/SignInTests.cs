using System.Net;
using System.Text.RegularExpressions;
using Research.Platform.Storage.Audit;
using Research.Testing;

namespace Research.Console.Tests;

/// <summary>Sign-in with password and TOTP, lockout, one-time passwords, enrolment, sessions and their revocation, over HTTP against the real console.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class SignInTests(ConsolePlatform platform)
{
    [Fact]
    public async Task Anonymous_requests_go_to_sign_in_and_every_response_carries_the_security_headers()
    {
        using var client = platform.NewClient();
        var (status, location, _) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/signin?ReturnUrl=%2F", location);

        using var response = await client.Http.GetAsync(new Uri("/signin", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));

        // The API answers 401, not a redirect.
        var (apiStatus, _, _) = await client.GetAsync("/api/backtests");
        Assert.Equal(HttpStatusCode.Unauthorized, apiStatus);
    }

    [Fact]
    public async Task A_viewer_signs_in_with_a_password_and_an_operator_with_password_and_authenticator_code()
    {
        var viewer = await platform.CreateUserAsync("viewer");
        using (var client = platform.NewClient())
        {
            Assert.Equal("/", await client.SignInAsync(viewer));
            var (status, _, body) = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(viewer.Name, body, StringComparison.Ordinal);
            var cookie = client.Cookies.GetCookies(platform.BaseAddress)["research.session"];
            Assert.NotNull(cookie);
            Assert.True(cookie.HttpOnly);
        }

        var op = await platform.CreateUserAsync("operator");
        using (var client = platform.NewClient())
        {
            Assert.Equal("error: That code is wrong or expired; enter the current one.", await client.SignInAsync(op, Totp.Wrong(op.TotpKey!, DateTimeOffset.UtcNow)));
            Assert.Equal("/", await client.SignInAsync(op));
            var (status, _, body) = await client.GetAsync("/audit");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("Chain intact", body, StringComparison.Ordinal);

            // Filters: only this operator's second-factor rows, newest first.
            var (_, _, filtered) = await client.GetAsync($"/audit?actor={op.Name}&action=sign-in.2fa");
            var shown = AuditRow().Matches(filtered).Select(m => (Actor: m.Groups[1].Value, Action: m.Groups[2].Value, Outcome: m.Groups[3].Value)).ToList();
            Assert.Equal([(op.Name, "sign-in.2fa", "ok"), (op.Name, "sign-in.2fa", "failed")], shown);
            var (_, _, bad) = await client.GetAsync("/audit?since=yesterday");
            Assert.Contains("since: &#x27;yesterday&#x27; is not a date", bad, StringComparison.Ordinal);
        }

        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: op.Name, Limit: 50), TestContext.Current.CancellationToken);
        Assert.Contains(rows, r => r.Entry.Action == "sign-in.2fa" && r.Entry.Outcome == "failed");
        Assert.Contains(rows, r => r.Entry.Action == "sign-in.2fa" && r.Entry.Outcome == "ok" && r.Entry.Source == "127.0.0.1");
    }

    private const string WrongPassword = "error: Wrong user name or password. After 5 wrong passwords an account without an authenticator is locked for 15 minutes.";

    [Fact]
    public async Task Five_wrong_passwords_lock_an_account_without_an_authenticator_and_a_stranger_cannot_tell_it_from_a_missing_one()
    {
        var user = await platform.CreateUserAsync("researcher", twoFactor: false);
        using var client = platform.NewClient();
        var wrong = user with { Password = "not the password at all" };
        var ghost = user with { Name = "nobody-" + user.Name };
        for (var i = 1; i <= 6; i++)
        {
            // Before, at and after the lock, the existing and the missing account answer in the same words.
            Assert.Equal(WrongPassword, await client.SignInAsync(wrong));
            Assert.Equal(WrongPassword, await client.SignInAsync(ghost));
        }

        // Only the right password learns of the lock.
        Assert.StartsWith("error: This account is locked", await client.SignInAsync(user), StringComparison.Ordinal);
        var (status, _, _) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, status); // not signed in

        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: user.Name, Action: "sign-in", Limit: 50), TestContext.Current.CancellationToken);
        Assert.Equal(4, rows.Count(r => r.Entry.Outcome == "failed"));
        Assert.Equal(3, rows.Count(r => r.Entry.Outcome == "locked"));
    }

    [Fact]
    public async Task Strangers_guessing_an_administrators_password_do_not_lock_out_the_administrator()
    {
        var admin = await platform.CreateUserAsync("admin");
        using var stranger = platform.NewClient();
        for (var i = 1; i <= 8; i++)
        {
            Assert.Equal(WrongPassword, await stranger.SignInAsync(admin with { Password = $"guess number {i} of many" }));
        }

        using var owner = platform.NewClient();
        Assert.Equal("/", await owner.SignInAsync(admin));
    }

    [Fact]
    public async Task An_address_with_too_many_failures_is_refused_for_every_account_and_others_are_not()
    {
        var user = await platform.CreateUserAsync("viewer", twoFactor: false);
        var account = platform.Cluster.GetGrain<Research.Grains.Abstractions.Security.IAccountGrain>(0);
        const string Guesser = "203.0.113.77";
        var limit = int.Parse(platform.Configuration[Research.Grains.Client.ConfigurationKeys.FailedSignInsPerAddress]!, System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < limit; i++)
        {
            var guess = await account.SignInWithPasswordAsync($"someone{i % 7}", "a guessed password", Guesser);
            Assert.Equal(Research.Grains.Abstractions.Security.SignInStatus.Failed, guess.Result);
        }

        var refused = await account.SignInWithPasswordAsync(user.Name, user.Password, Guesser);
        Assert.Equal(Research.Grains.Abstractions.Security.SignInStatus.Throttled, refused.Result);
        Assert.InRange(refused.LockedOutUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        var elsewhere = await account.SignInWithPasswordAsync(user.Name, user.Password, "198.51.100.5");
        Assert.Equal(Research.Grains.Abstractions.Security.SignInStatus.Succeeded, elsewhere.Result);
        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: user.Name, Action: "sign-in", Limit: 10), TestContext.Current.CancellationToken);
        Assert.Contains(rows, r => r.Entry.Outcome == "throttled" && r.Entry.Source == Guesser);
    }

    [Fact]
    public async Task A_revoked_session_is_refused_on_its_next_request()
    {
        var user = await platform.CreateUserAsync("researcher");
        using var laptop = platform.NewClient();
        using var phone = platform.NewClient();
        Assert.Equal("/", await laptop.SignInAsync(user));
        Assert.Equal("/", await phone.SignInAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/account")).Status);

        // From the phone, revoke the laptop's session (the one that is not "this browser").
        var (_, _, page) = await phone.GetAsync("/account/sessions");
        var other = RevokeButton().Matches(page).Select(m => m.Groups[1].Value).Single();
        var (status, _, body) = await phone.SubmitAsync("/account/sessions", "revoke-" + other, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Session revoked.", body, StringComparison.Ordinal);

        var (next, location, _) = await laptop.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, next);
        Assert.StartsWith("/signin", location, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/account")).Status);
    }

    [Fact]
    public async Task An_authenticator_code_works_once_for_sign_in_and_for_step_up()
    {
        var admin = await platform.CreateUserAsync("admin");
        var target = await platform.CreateUserAsync("viewer", twoFactor: false);
        var code = Totp.Code(admin.TotpKey!, DateTimeOffset.UtcNow);
        using var first = platform.NewClient();
        Assert.Equal("/", await first.SignInAsync(admin.Name, admin.Password, code: code));

        // The same code again, from another browser: refused like a wrong one.
        using var replay = platform.NewClient();
        var again = await replay.SignInAsync(admin.Name, admin.Password, code: code);
        Assert.StartsWith("error: ", again, StringComparison.Ordinal);

        // Nor does it authorise an administrative action; the next code does, once.
        Dictionary<string, string> Disable(string withCode) => new() { ["Change.UserName"] = target.Name, ["Change.Operation"] = "disable", ["Change.Reason"] = "replay test", ["Change.Code"] = withCode };
        var (_, _, refused) = await first.SubmitAsync("/admin/users", "change-user", Disable(code));
        Assert.Contains("authenticator code is wrong or expired", ConsoleClient.Error(refused), StringComparison.Ordinal);
        var next = Totp.Code(admin.TotpKey!, DateTimeOffset.UtcNow.AddSeconds(30));
        var (_, _, done) = await first.SubmitAsync("/admin/users", "change-user", Disable(next));
        Assert.Contains("disabled", done, StringComparison.Ordinal);
        var (_, _, twice) = await first.SubmitAsync("/admin/users", "change-user", Disable(next));
        Assert.Contains("authenticator code is wrong or expired", ConsoleClient.Error(twice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_passwords_are_not_written_back_into_the_page()
    {
        var user = await platform.CreateUserAsync("viewer", twoFactor: false);
        using var client = platform.NewClient();
        const string Wrong = "wrong-typed-secret-7781";
        var (_, _, refused) = await client.SubmitAsync("/signin", "signin", new Dictionary<string, string> { ["Input.UserName"] = user.Name, ["Input.Password"] = Wrong });
        Assert.Contains("Wrong user name or password.", refused, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, refused, StringComparison.Ordinal);

        Assert.Equal("/", await client.SignInAsync(user));
        const string Next = "typed-new-passphrase-5512";
        foreach (var (current, confirm) in new[] { (Wrong, Next), (user.Password, Next + "x") })
        {
            var (_, _, page) = await client.SubmitAsync("/account/password", "password", new Dictionary<string, string> { ["Input.Current"] = current, ["Input.New"] = Next, ["Input.Confirm"] = confirm });
            Assert.Contains("rz-", page, StringComparison.Ordinal); // the page itself came back, with its error
            Assert.DoesNotContain(Next, page, StringComparison.Ordinal);
            Assert.DoesNotContain(current, page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_one_time_password_must_be_changed_and_an_operator_must_enrol_an_authenticator_before_anything_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await platform.CreateUserAsync("operator", twoFactor: false);
        var oneTime = created with { Password = await platform.ResetPasswordAsync(created.Name) };
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(oneTime));
        var (status, location, _) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/account/password", location);

        var fresh = "a brand new passphrase for tests";
        Assert.Equal("/account?changed=password", await client.ChangePasswordAsync(oneTime.Password, fresh));

        // An operator without an authenticator is held at enrolment.
        (status, location, _) = await client.GetAsync("/backtests");
        Assert.Equal("/account/2fa", location);
        var (key, codes) = await client.EnrolAuthenticatorAsync();
        Assert.Equal(32, key.Length);
        Assert.Equal(10, codes.Count);
        (status, _, _) = await client.GetAsync("/backtests");
        Assert.Equal(HttpStatusCode.OK, status);

        var rows = await platform.Storage.Audit.ReadAsync(new AuditQuery(Actor: created.Name, Limit: 50), ct);
        Assert.Contains(rows, r => r.Entry.Action == "account.password" && r.Entry.Outcome == "ok");
        Assert.Contains(rows, r => r.Entry.Action == "account.2fa.enrol" && r.Entry.Outcome == "ok");
    }

    [GeneratedRegex("<tr>\\s*<td>\\d+</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td>\\s*<td>([^<]*)</td>")]
    private static partial Regex AuditRow();

    [GeneratedRegex("id=\"revoke-([A-Za-z0-9_-]{8})\"")]
    private static partial Regex RevokeButton();
}
