namespace Research.Cli.Infrastructure;

/// <summary>Exit codes of the <c>research</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed (bad input, a source or service failed).</summary>
    public const int Failed = 1;

    /// <summary>The command line itself was wrong (unknown command or option, bad value).</summary>
    public const int Usage = 2;
}
