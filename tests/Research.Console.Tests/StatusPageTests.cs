using System.Net;

namespace Research.Console.Tests;

/// <summary>Addresses without a page, refusals and unknown jobs answer with the right status and say so in the console's own page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StatusPageTests(ConsolePlatform platform)
{
    [Fact]
    public async Task An_address_without_a_page_is_the_consoles_404_and_the_api_keeps_a_bare_404()
    {
        var user = await platform.CreateUserAsync("viewer", twoFactor: false);
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(user));

        var (status, _, body) = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("id=\"not-found\"", body, StringComparison.Ordinal);
        Assert.Contains("/no-such-page", body, StringComparison.Ordinal);

        // Signed out, any address leads to sign-in first (which pages exist is not told to strangers).
        using var anonymous = platform.NewClient();
        var (redirect, location, _) = await anonymous.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.Redirect, redirect);
        Assert.StartsWith("/signin", location, StringComparison.Ordinal);

        (status, _, body) = await client.GetAsync("/api/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("not-found", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_icon_font_is_preloaded_with_every_page_and_is_served()
    {
        using var client = platform.NewClient();
        var (_, _, page) = await client.GetAsync("/signin");
        Assert.Contains("<link rel=\"preload\" href=\"_content/Radzen.Blazor/fonts/MaterialSymbolsOutlined.woff2\" as=\"font\"", page, StringComparison.Ordinal);
        var (status, _, _) = await client.GetAsync("/_content/Radzen.Blazor/fonts/MaterialSymbolsOutlined.woff2");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task The_denied_page_answers_403()
    {
        var user = await platform.CreateUserAsync("viewer", twoFactor: false);
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(user));
        var (status, _, body) = await client.GetAsync("/denied");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("id=\"not-allowed\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_shortened_job_id_says_there_is_no_such_job()
    {
        var user = await platform.CreateUserAsync("viewer", twoFactor: false);
        using var client = platform.NewClient();
        Assert.Equal("/", await client.SignInAsync(user));
        var (status, _, body) = await client.GetAsync("/backtests/bt-5973fa37");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("There is no job &#x27;bt-5973fa37&#x27;", body, StringComparison.Ordinal);
        Assert.DoesNotContain("This job is none", body, StringComparison.Ordinal);
    }
}
