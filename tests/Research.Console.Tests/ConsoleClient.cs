using System.Net;
using System.Text.RegularExpressions;

namespace Research.Console.Tests;

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
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
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

    /// <summary>Password sign-in, then the authenticator code when asked; returns where the console sent the browser last.</summary>
    public async Task<string?> SignInAsync(TestUser user, string? code = null)
    {
        var (status, location, body) = await SubmitAsync("/signin", "signin", new Dictionary<string, string> { ["Input.UserName"] = user.Name, ["Input.Password"] = user.Password });
        if (status != HttpStatusCode.Redirect && status != HttpStatusCode.Found)
        {
            return "error: " + Error(body);
        }

        if (location == "/signin/2fa")
        {
            (status, location, body) = await SubmitAsync("/signin/2fa", "second-factor", new Dictionary<string, string> { ["Input.Code"] = code ?? Research.Testing.Totp.Code(user.TotpKey!, DateTimeOffset.UtcNow) });
            if (status != HttpStatusCode.Redirect && status != HttpStatusCode.Found)
            {
                return "error: " + Error(body);
            }
        }

        return location;
    }

    /// <summary>A redirect target as a local path and query (the console redirects within itself).</summary>
    private static string? Local(Uri? location) => location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.ToString();

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

    [GeneratedRegex("role=\"alert\"[^>]*>([^<]*)<")]
    private static partial Regex AlertPattern();
}
