using Npgsql;
using Research.Grains.Client;

namespace Research.Cli.Infrastructure;

/// <summary>
/// Before the Orleans client starts in the Production profile (it would retry for minutes), checks in a few seconds what
/// it needs and says what is wrong: the membership database must answer (<c>ConnectionStrings:Orleans</c>), it must list
/// an active silo of this cluster, and one of those silos' gateways must accept a connection.
/// </summary>
internal static class ProductionGateways
{
    private const int Active = 3; // Orleans SiloStatus.Active

    /// <summary>Null when a gateway answers; otherwise one sentence naming the problem and what to check.</summary>
    public static async Task<string?> ProblemAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // 15 s: a refused or unknown host fails at once; a busy machine can take seconds to open a connection, and a
        // shorter limit then reported a live database as unreachable (seen in CI under load with 3 s).
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Timeout = 15, CommandTimeout = 15 };
        List<(string Host, int Port, string Name)> gateways = [];
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT address, proxyport, siloname FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = @active AND proxyport > 0";
            command.Parameters.AddWithValue("cluster", settings.ClusterId);
            command.Parameters.AddWithValue("active", Active);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                gateways.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return $"The membership database in {ConfigurationKeys.OrleansConnectionString} ({Where(builder)}) has no Orleans tables: run 'research db migrate' against it, then start the silos.";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return $"Cannot reach the membership database in {ConfigurationKeys.OrleansConnectionString} ({Where(builder)}): {e.Message}. Check the connection string and that PostgreSQL is up.";
        }

        if (gateways.Count == 0)
        {
            return $"No active silo of cluster '{settings.ClusterId}' is listed in the membership table at {Where(builder)}: start the silos (Kubernetes: 'kubectl get pods', then the silo logs), and check {ConfigurationKeys.ClusterId} matches theirs.";
        }

        foreach (var (host, port, _) in gateways)
        {
            if (await TcpProbe.ListensAsync(host, port, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        return $"{gateways.Count} silo(s) of cluster '{settings.ClusterId}' are listed active ({string.Join(", ", gateways.Select(g => $"{g.Name} at {g.Host}:{g.Port}"))}) but no gateway answers: they may have just died (the table catches up once failure detection declares them dead), or this machine cannot reach them (network policy, advertised address).";
    }

    private static string Where(NpgsqlConnectionStringBuilder b) => $"{b.Host}:{b.Port}/{b.Database}";
}
