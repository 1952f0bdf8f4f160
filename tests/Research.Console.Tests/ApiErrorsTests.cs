using Microsoft.AspNetCore.Http.HttpResults;
using Research.Console.Api;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Security;

namespace Research.Console.Tests;

/// <summary>Every failure of an API action is answered in JSON with its cause, never with the HTML error page.</summary>
public sealed class ApiErrorsTests
{
    [Theory]
    [InlineData(typeof(ArgumentException), 400)]
    [InlineData(typeof(ActionDeniedException), 403)]
    [InlineData(typeof(OrleansException), 503)]
    [InlineData(typeof(TimeoutException), 503)]
    [InlineData(typeof(PlatformException), 500)]
    [InlineData(typeof(InvalidOperationException), 500)]
    [InlineData(typeof(InvalidDataException), 500)]
    [InlineData(typeof(NotSupportedException), 500)]
    public void Each_failure_is_a_problem_with_its_cause(Type type, int status)
    {
        var exception = (Exception)Activator.CreateInstance(type, "the warehouse has no dataset 'crsp/daily'")!;
        var problem = Assert.IsType<ProblemHttpResult>(ApiErrors.For(exception));
        Assert.Equal(status, problem.StatusCode);
        Assert.Contains("the warehouse has no dataset 'crsp/daily'", problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Equal(problem.ProblemDetails.Detail, problem.ProblemDetails.Extensions["error"]);
    }

    [Fact]
    public void Cancellation_is_not_turned_into_an_answer() => Assert.Null(ApiErrors.For(new OperationCanceledException()));
}
