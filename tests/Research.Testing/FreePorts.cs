using System.Net;
using System.Net.Sockets;

namespace Research.Testing;

/// <summary>Free TCP ports for test servers and silos.</summary>
public static class FreePorts
{
    /// <summary>A TCP port that was free a moment ago on the loopback interface.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
