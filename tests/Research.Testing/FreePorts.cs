using System.Net;
using System.Net.Sockets;

namespace Research.Testing;

/// <summary>Free TCP ports for test servers and silos.</summary>
/// <remarks>
/// Ports come from below Linux's ephemeral range (32768-60999), never from it: a port the kernel picked for a listener
/// and released can be handed at once to another process's outgoing connection (a database client, an Orleans
/// client) before the silo meant to listen on it binds, and the silo then fails to start. Below the range only
/// listeners compete; each test process starts at its own random point and never hands out a port twice, and a port
/// is checked to be bindable before it is handed out. The fixed ports of LocalPlatformTests (15080, 15081, 21111,
/// 40000) are below this range's start.
/// </remarks>
public static class FreePorts
{
    private const int First = 22000;
    private const int Last = 32000;
    private static int _next = First + Random.Shared.Next(Last - First);

    /// <summary>A TCP port, outside the ephemeral range, that was free a moment ago on the loopback interface.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var port = First + (Interlocked.Increment(ref _next) % (Last - First));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: the next one.
            }
        }

        throw new InvalidOperationException($"No free TCP port between {First} and {Last}.");
    }
}
