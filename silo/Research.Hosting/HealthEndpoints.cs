namespace Research.Hosting;

/// <summary>HTTP paths every platform process serves (the Kubernetes probes point here).</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: 200 while the process works (healthy or degraded, e.g. the console waiting for a gateway), 503 when broken.</summary>
    public const string Health = "/health";

    /// <summary>Readiness: 200 only when healthy (the console reaches the cluster), 503 otherwise.</summary>
    public const string Ready = "/ready";

    /// <summary>The platform's health (every check, anonymous: names and statuses only; 503 when down): <see cref="SystemHealthEndpoint"/>.</summary>
    public const string System = "/health/system";

    /// <summary>Port the container images listen on for HTTP (set through <c>ASPNETCORE_URLS</c>).</summary>
    public const int ContainerHttpPort = 8080;
}
