using Research.Grains.Abstractions.Health;
using Research.Grains.Client.Monitoring;

namespace Research.Grains.Health;

/// <summary>Times every call into this silo's platform grains (not Orleans' own), by interface and method.</summary>
public sealed class GrainCallLatencyFilter(LatencyRecorder recorder, TimeProvider clock) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.InterfaceMethod.DeclaringType;
        if (type?.Namespace?.StartsWith("Research.", StringComparison.Ordinal) != true || type == typeof(IHealthGrain))
        {
            await context.Invoke().ConfigureAwait(true);
            return;
        }

        var started = clock.GetTimestamp();
        try
        {
            await context.Invoke().ConfigureAwait(true);
        }
        finally
        {
            recorder.Record("grain", $"{type.Name}.{context.InterfaceMethod.Name}", clock.GetElapsedTime(started));
        }
    }
}
