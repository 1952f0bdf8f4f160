using Microsoft.Extensions.Logging;

namespace Research.Grains.Hosting;

/// <summary>
/// Every exception a grain call throws reaches the caller as something it can deserialise: the .NET, Orleans and
/// platform types pass as they are; anything else (a database driver's exception, for one) is logged here with its
/// stack and replaced by a <see cref="PlatformException"/> naming its type and message. Without this the caller gets a
/// serialisation failure instead of the error, and a page shows a 500.
/// </summary>
public sealed partial class PortableErrorFilter(ILogger<PortableErrorFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke().ConfigureAwait(true);
        }
        catch (Exception e) when (!Travels(e))
        {
            LogReplaced(logger, e, e.GetType().FullName ?? e.GetType().Name, context.InterfaceMethod.Name);
            throw new PlatformException(e);
        }
    }

    /// <summary>Whether an exception (and every inner one) is of a type the caller can deserialise: from the runtime, Orleans or the platform.</summary>
    public static bool Travels(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var assembly = e.GetType().Assembly.GetName().Name ?? string.Empty;
            var known = e.GetType().Assembly == typeof(object).Assembly
                || assembly.StartsWith("System.", StringComparison.Ordinal)
                || assembly.StartsWith("Orleans.", StringComparison.Ordinal)
                || assembly.StartsWith("Research.", StringComparison.Ordinal);
            if (!known)
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Type} thrown by {Method} replaced by a PlatformException for the caller")]
    private static partial void LogReplaced(ILogger logger, Exception exception, string type, string method);
}
