using System.Reflection;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Architecture.Tests;

/// <summary>
/// Rules on the grain contracts: a grain method that changes something carries the action it is
/// (<see cref="RequiresActionAttribute"/>, checked in the silo) or says why it is the platform's own
/// (<see cref="PlatformInternalAttribute"/>). Reads are named as reads.
/// </summary>
public sealed class GrainContractRuleTests
{
    /// <summary>Verbs of methods that only read; every other grain method is taken to write.</summary>
    private static readonly string[] ReadVerbs = ["Get", "List", "Read", "Verify", "Lookup", "Count"];

    [Fact]
    public void Every_writing_grain_method_carries_an_action_or_says_why_not()
    {
        var offenders = Unmarked(typeof(IBacktestSchedulerGrain).Assembly).ToList();
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_rule_sees_an_unmarked_writer_and_passes_reads_and_marked_writers()
    {
        var offenders = Unmarked(typeof(GrainContractRuleTests).Assembly).ToList();
        Assert.Equal(["IExampleGrain.TagAsync changes something but carries neither [RequiresAction] nor [PlatformInternal]."], offenders);
    }

    internal static IEnumerable<string> Unmarked(Assembly assembly) =>
        from type in assembly.GetTypes()
        where type.IsInterface && typeof(IGrain).IsAssignableFrom(type)
        from method in type.GetMethods()
        where !ReadVerbs.Any(v => method.Name.StartsWith(v, StringComparison.Ordinal))
        where method.GetCustomAttribute<RequiresActionAttribute>() is null && method.GetCustomAttribute<PlatformInternalAttribute>() is null
        orderby type.Name, method.Name
        select $"{type.Name}.{method.Name} changes something but carries neither [RequiresAction] nor [PlatformInternal].";

    /// <summary>A contract for the rule's own test: one read, one marked writer, one unmarked writer.</summary>
    internal interface IExampleGrain : IGrainWithStringKey
    {
        Task<int> GetCountAsync();

        [RequiresAction(ResearchActions.BacktestSubmit)]
        Task SubmitAsync();

        Task TagAsync(string tag);
    }
}
