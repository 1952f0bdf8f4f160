namespace Research.Cli.Infrastructure;

/// <summary>Whether something accepts a TCP connection, asked with a short timeout (before an Orleans client that would retry for minutes).</summary>
internal static class TcpProbe
{
    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> accepts a connection within two seconds.</summary>
    public static async Task<bool> ListensAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var probe = new System.Net.Sockets.TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await probe.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
