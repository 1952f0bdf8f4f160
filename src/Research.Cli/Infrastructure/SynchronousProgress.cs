namespace Research.Cli.Infrastructure;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (no synchronization-context posting).</summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void Report(T value)
    {
        lock (_gate)
        {
            handler(value);
        }
    }
}
