namespace Research.Hosting;

/// <summary>HTTP paths every platform process serves (the Kubernetes probes point here).</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness and readiness: 200 when healthy, 503 otherwise.</summary>
    public const string Health = "/health";

    /// <summary>Port the container images listen on for HTTP (set through <c>ASPNETCORE_URLS</c>).</summary>
    public const int ContainerHttpPort = 8080;
}
