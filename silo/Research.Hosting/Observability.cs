using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Research.Hosting;

/// <summary>Serilog structured logs and OpenTelemetry metrics and traces (OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
public static class Observability
{
    /// <summary>Configuration key: <c>json</c> for one JSON object per log line (containers), else human-readable lines.</summary>
    public const string LoggingFormatKey = "Research:Logging:Format";

    public static IServiceCollection AddResearchObservability(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext().Enrich.WithProperty("service", serviceName);
            if (string.Equals(configuration[LoggingFormatKey], "json", StringComparison.OrdinalIgnoreCase))
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {service} {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m =>
            {
                // Research.Data.Fetcher: the data fetcher's calls, cache hits, failures and latency (FetcherMetrics.MeterName).
                // Research.Platform: grain call and console page durations (LatencyRecorder.MeterName).
                m.AddMeter("Microsoft.Orleans", "Research.Data.Fetcher", "Research.Trading", "Research.Platform").AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            })
            .WithTracing(t =>
            {
                t.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application").AddAspNetCoreInstrumentation();
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
        return services;
    }
}
