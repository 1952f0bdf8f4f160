using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Radzen;
using Research.Console.Account;
using Research.Console.Admin;
using Research.Console.Api;
using Research.Console.Audit;
using Research.Console.Backtests;
using Research.Console.Cluster;
using Research.Console.Components;
using Research.Console.Overview;
using Research.Console.Security;
using Research.Grains.Client;
using Research.Hosting;

namespace Research.Console;

/// <summary>
/// Builds the console web application: an Orleans client of the cluster, Blazor Server pages (Radzen, Plotly), and the
/// security around them (Identity over the platform's user store, server-side sessions, policies per action, API keys,
/// antiforgery, rate limits, security headers). <c>Program</c> runs it; tests host it on a free port.
/// </summary>
public static class ConsoleHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(ConsoleHost).Assembly.GetName().Name });
        configure?.Invoke(builder);

        // Serve package assets (Radzen, Plotly, fonts) from their NuGet folders when running from a build output in any
        // environment, not only Development; a published app has them in wwwroot and this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddResearchObservability(builder.Configuration, "research-console");
        builder.Services.AddSingleton(TimeProvider.System);

        // The HTTP server starts while the cluster client is still connecting (GatewayRetryFilter keeps trying), so the
        // console answers /health (degraded) instead of being restarted in a loop while its silos are not up yet.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.UseOrleansClient(client =>
        {
            client.UseResearchCluster(builder.Configuration);
            client.UseConnectionRetryFilter<GatewayRetryFilter>();
        });
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(Research.Grains.Abstractions.WireNames.Policy)));
        builder.Services.AddRadzenComponents();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        builder.Services.AddSingleton(sp => new Research.Grains.Client.Monitoring.LatencyRecorder(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.AddHostedService(sp => new Research.Grains.Client.Monitoring.LatencyReporter(sp.GetRequiredService<Research.Grains.Client.Monitoring.LatencyRecorder>(),
            sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<TimeProvider>(), $"console {Environment.MachineName}:{Environment.ProcessId}",
            sp.GetRequiredService<ILogger<Research.Grains.Client.Monitoring.LatencyReporter>>()));
        AddSecurity(builder);

        var app = builder.Build();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // An address with no page gets the console's own "not found" page (status 404), not the browser's; the API keeps
        // its bare status codes, and so do the notebook servers behind /nb.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if ((context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments("/nb", StringComparison.Ordinal))
                && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.UseSecurityHeaders();
        Research.Console.Health.ConsoleHealthEndpoints.UsePageLatency(app);
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAccountGate();
        app.UseDeniedAsForbidden();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks(HealthEndpoints.Health).AllowAnonymous();
        app.MapHealthChecks(HealthEndpoints.Ready, new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy] = StatusCodes.Status200OK,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        app.MapSystemHealth();
        app.MapAccountEndpoints();
        app.MapBacktestApi();
        app.MapReportApi();
        app.MapTaxApi();
        app.MapWarehouseApi();
        app.MapJournalApi();
        Research.Console.Notebooks.NotebookProxy.MapNotebookProxy(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private static void AddSecurity(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var settings = ClusterSettings.From(configuration);
        var production = settings.Profile == HostingProfile.Production;
        var dataRoot = Path.GetFullPath(configuration[ConfigurationKeys.DataRoot] is { Length: > 0 } root ? root : "data");
        var services = builder.Services;

        // Cookie and antiforgery keys: kept on disk so sessions survive a console restart; share the folder between replicas.
        services.AddDataProtection()
            .SetApplicationName("research-console")
            .PersistKeysToFileSystem(new DirectoryInfo(configuration[ConfigurationKeys.ConsoleKeysPath] is { Length: > 0 } keys ? keys : Path.Combine(dataRoot, "security", "console-keys")));
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<PendingSignIn>();
        services.AddScoped<ConsoleActions>();
        services.AddScoped<ConsoleBacktests>();
        services.AddScoped<Research.Console.Alpha.ConsoleAlpha>();
        services.AddScoped<Research.Console.Trading.ConsoleTrading>();
        services.AddScoped<Research.Console.Health.ConsoleHealth>();
        services.AddScoped<Research.Console.Alerts.ConsoleAlerts>();
        services.AddScoped<Research.Console.Reports.ConsoleReports>();
        services.AddScoped<Research.Console.Tax.ConsoleTax>();
        services.AddScoped<Research.Console.Events.ConsoleEvents>();
        services.AddScoped<Research.Console.Microstructure.ConsoleMicrostructure>();
        services.AddScoped<Research.Console.ExecutionQuality.ConsoleExecutionQuality>();
        services.AddScoped<Research.Console.Data.ConsoleDataSync>();
        services.AddScoped<Research.Console.Data.ConsoleExplorer>();
        services.AddScoped<Research.Console.Risk.ConsoleRisk>();
        services.AddScoped<Research.Console.Journal.ConsoleJournal>();
        services.AddScoped<Research.Console.Notebooks.ConsoleNotebooks>();
        services.AddSingleton(sp => new Research.Grains.Client.Notebooks.NotebookLauncher(
            Research.Grains.Client.Notebooks.NotebookOptions.From(key => configuration[key], dataRoot), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<Research.Console.Notebooks.NotebookExpiry>();
        services.AddHttpForwarder();
        services.AddScoped<ConsoleOverview>();
        services.AddScoped<ConsoleAccount>();
        services.AddScoped<ConsoleAdmin>();
        services.AddScoped<ConsoleAudit>();

        const string Smart = "research";
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Smart;
                o.DefaultChallengeScheme = Smart;
                o.DefaultSignInScheme = ConsoleClaims.CookieScheme;
            })
            // API keys count only on /api: a key never opens a page.
            .AddPolicyScheme(Smart, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : ConsoleClaims.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(ConsoleClaims.CookieScheme);
        services.AddOptions<CookieAuthenticationOptions>(ConsoleClaims.CookieScheme).Configure<SessionTicketStore>((o, store) =>
        {
            o.SessionStore = store;
            o.Cookie.Name = production ? "__Host-research" : "research.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = production ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";

            // The server-side session decides idle and absolute expiry; the cookie itself lives as long as a session can.
            o.ExpireTimeSpan = TimeSpan.FromDays(1);
            o.SlidingExpiration = false;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/denied";
            o.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = production ? "__Host-research-af" : "research.af";
            o.Cookie.SecurePolicy = production ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        services.AddAuthorizationBuilder().AddActionPolicies();
        services.AddSingleton<IAuthorizationHandler, ActionRequirementHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();
        services.AddConsoleRateLimits(configuration);
    }

    /// <summary>API requests get a status code; pages get the redirect.</summary>
    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
