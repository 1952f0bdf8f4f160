using System.Text.Json;
using Research.Data.Warehouse;

namespace Research.Cli.Platform;

/// <summary>What <c>research up</c> is running, written to <c>&lt;DataRoot&gt;/.research/platform.json</c> for <c>research status</c>.</summary>
public sealed record PlatformRunState(
    int CliPid,
    int SiloPid,
    int ConsolePid,
    string SiloUrl,
    string ConsoleUrl,
    int GatewayPort,
    string DataRoot,
    DateTimeOffset StartedAt)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathFor(string dataRoot) => Path.Combine(dataRoot, ".research", "platform.json");

    public static PlatformRunState? TryRead(string dataRoot)
    {
        var file = PathFor(dataRoot);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PlatformRunState>(File.ReadAllText(file), JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public Task WriteAsync(CancellationToken cancellationToken) =>
        DurableFile.WriteAsync(PathFor(DataRoot), JsonSerializer.Serialize(this, JsonOptions), cancellationToken);

    public static void Delete(string dataRoot)
    {
        var file = PathFor(dataRoot);
        if (File.Exists(file))
        {
            File.Delete(file);
        }
    }
}
