namespace Research.Data.Sync;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, in order.</summary>
internal sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
