using System.Globalization;

namespace Research.TradingService;

/// <summary>What the service follows and where it acts, from the command line.</summary>
/// <param name="Follow">The account whose fills it follows.</param>
/// <param name="MirrorTo">The account it trades on.</param>
/// <param name="Ratio">Shares it trades per share filled on the followed account (rounded down; a fill that rounds to 0 is skipped).</param>
/// <param name="HostArguments">The rest (configuration such as <c>--Research:Cluster:GatewayPort 30000</c> or <c>--gateway-port</c>).</param>
public sealed record MirrorSettings(string Follow, string MirrorTo, double Ratio, string[] HostArguments)
{
    /// <summary>The strategy name its orders carry (its own breaker scope: <c>strategy:mirror</c>).</summary>
    public const string Strategy = "mirror";

    public const string Usage = "usage: Research.TradingService --follow ACCOUNT --mirror-to ACCOUNT [--ratio 1] [--gateway-port PORT]";

    public static MirrorSettings? Parse(string[] args, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? follow = null, mirror = null;
        var ratio = 1.0;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--follow": follow = Value(); break;
                    case "--mirror-to": mirror = Value(); break;
                    case "--ratio":
                        var text = Value();
                        ratio = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r)
                            ? r : throw new ArgumentException($"--ratio: '{text}' is not a positive number.");
                        break;
                    case "--gateway-port": rest.AddRange(["--" + Research.Grains.Client.ConfigurationKeys.GatewayPort, Value()]); break;
                    case "--help" or "-h": problem = "help"; return null;
                    default:
                        if (!args[i].StartsWith("--Research:", StringComparison.Ordinal) && !args[i].StartsWith("--ConnectionStrings:", StringComparison.Ordinal))
                        {
                            throw new ArgumentException($"unknown option '{args[i]}'.");
                        }

                        rest.AddRange([args[i], Value()]);
                        break;
                }
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
                return null;
            }
        }

        problem = follow is null ? "--follow ACCOUNT is required." : mirror is null ? "--mirror-to ACCOUNT is required." : follow == mirror ? "--mirror-to must be another account than --follow." : null;
        return problem is null ? new MirrorSettings(follow!, mirror!, ratio, [.. rest]) : null;
    }
}
