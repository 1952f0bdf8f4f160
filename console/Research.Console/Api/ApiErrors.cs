using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Api;

/// <summary>
/// How an exception from an API action is answered: always JSON (RFC 9457 problem details, with the cause in
/// <c>detail</c> and, as before, in <c>error</c>), never the HTML error page. Bad input is 400, a refusal 403, a cluster
/// that does not answer 503, the platform's own failures (a missing dataset, a failed read) 500 with their message.
/// </summary>
public static class ApiErrors
{
    /// <summary>The response for <paramref name="exception"/>, or null for one that should propagate (cancellation, out of memory).</summary>
    public static IResult? For(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (status, title) = exception switch
        {
            ArgumentException => (StatusCodes.Status400BadRequest, "Bad request"),
            ActionDeniedException => (StatusCodes.Status403Forbidden, "Not allowed"),
            OrleansException or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "The cluster did not answer"),
            PlatformException or InvalidOperationException or InvalidDataException or IOException => (StatusCodes.Status500InternalServerError, "The platform could not do it"),
            _ => (0, string.Empty),
        };
        if (status == 0)
        {
            return exception is OperationCanceledException or OutOfMemoryException
                ? null
                : Problem(StatusCodes.Status500InternalServerError, "Unexpected error", $"{exception.GetType().Name}: {exception.Message}");
        }

        return Problem(status, title, exception.Message);
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["error"] = detail });
}
