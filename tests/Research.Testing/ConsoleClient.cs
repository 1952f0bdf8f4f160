using System.Net;
using System.Text.RegularExpressions;

namespace Research.Testing;

/// <summary>An HTTP client that behaves like a browser on the console's server-rendered forms: cookies, antiforgery tokens, form names.</summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    public async Task<(HttpStatusCode Status, string? Location, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        return (response.StatusCode, Local(response.Headers.Location), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Loads <paramref name="path"/>, takes the antiforgery token from it, and posts <paramref name="fields"/> as form <paramref name="formName"/>.</summary>
    public async Task<(HttpStatusCode Status, string? Location, string Body)> SubmitAsync(string path, string formName, IReadOnlyDictionary<string, string> fields, string? postPath = null)
    {
        var (_, _, page) = await GetAsync(path);
        return await PostFormAsync(postPath ?? path, formName, fields, page);
    }

    /// <summary>Posts form <paramref name="formName"/> with the antiforgery token of a page already loaded (<paramref name="page"/>).</summary>
    public async Task<(HttpStatusCode Status, string? Location, string Body)> PostFormAsync(string path, string formName, IReadOnlyDictionary<string, string> fields, string page)
    {
        var token = Token(page);
        var form = new Dictionary<string, string>(fields) { ["_handler"] = formName, ["__RequestVerificationToken"] = token };
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, Local(response.Headers.Location), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Password sign-in, then the authenticator code when asked (from <paramref name="totpKey"/> unless <paramref name="code"/> is given); returns where the console sent the browser last, or "error: " and the page's message.</summary>
    public async Task<string?> SignInAsync(string userName, string password, string? totpKey = null, string? code = null)
    {
        var (status, location, body) = await SubmitAsync("/signin", "signin", new Dictionary<string, string> { ["Input.UserName"] = userName, ["Input.Password"] = password });
        if (status != HttpStatusCode.Redirect && status != HttpStatusCode.Found)
        {
            return "error: " + (status == HttpStatusCode.OK ? string.Empty : $"{(int)status} ") + Error(body);
        }

        if (location == "/signin/2fa")
        {
            (status, location, body) = await SubmitAsync("/signin/2fa", "second-factor", new Dictionary<string, string> { ["Input.Code"] = code ?? Totp.Code(totpKey ?? throw new InvalidOperationException($"{userName} needs a second factor and no key was given"), DateTimeOffset.UtcNow) });
            if (status != HttpStatusCode.Redirect && status != HttpStatusCode.Found)
            {
                return "error: " + Error(body);
            }
        }

        return location;
    }

    /// <summary>A redirect target as a local path and query (the console redirects within itself).</summary>
    private static string? Local(Uri? location) => location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.ToString();

    /// <summary>Changes the signed-in user's password on /account/password; returns where the console sent the browser, or "error: " and the message.</summary>
    public async Task<string?> ChangePasswordAsync(string current, string next)
    {
        var (status, location, body) = await SubmitAsync("/account/password", "password", new Dictionary<string, string> { ["Input.Current"] = current, ["Input.New"] = next, ["Input.Confirm"] = next });
        return status == HttpStatusCode.Redirect ? location : "error: " + Error(body);
    }

    /// <summary>Enrols an authenticator on /account/2fa as a phone would (reads the key, answers with its code); returns the key and the recovery codes shown.</summary>
    public async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> EnrolAuthenticatorAsync()
    {
        var (_, _, page) = await GetAsync("/account/2fa");
        var key = SharedKeyPattern().Match(page) is { Success: true } m ? m.Groups[1].Value.Replace(" ", string.Empty, StringComparison.Ordinal) : throw new InvalidOperationException("no authenticator key on /account/2fa: " + Error(page));
        var (_, _, done) = await PostFormAsync("/account/2fa", "enrol", new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) }, page);
        return (key, [.. RecoveryCodePattern().Matches(done).Select(c => c.Groups[1].Value)]);
    }

    public static string Token(string page)
    {
        var match = TokenPattern().Match(page);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page:\n" + page[..Math.Min(page.Length, 2000)]);
    }

    /// <summary>The text of the page's error message (an element with role="alert"), or the start of the page.</summary>
    public static string Error(string page)
    {
        var match = AlertPattern().Match(page);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : page[..Math.Min(page.Length, 300)];
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("id=\"shared-key\">([a-z2-7 ]+)<")]
    private static partial Regex SharedKeyPattern();

    [GeneratedRegex("<li>([0-9A-Za-z]{4,6}-[0-9A-Za-z]{4,6})</li>")]
    private static partial Regex RecoveryCodePattern();

    [GeneratedRegex("role=\"alert\"[^>]*>([^<]*)<")]
    private static partial Regex AlertPattern();
}
