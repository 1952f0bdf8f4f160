namespace Research.Cli.Infrastructure;

/// <summary>A failure the CLI reports in one line (exit code 1), e.g. bad input or a missing dependency.</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
