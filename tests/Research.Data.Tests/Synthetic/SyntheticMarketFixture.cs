using Research.Data.Synthetic;
using Research.Testing;

namespace Research.Data.Tests.Synthetic;

/// <summary>Markets generated once per test class and shared (generation takes seconds).</summary>
public sealed class SyntheticMarketFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = TestEnvironment.CreateTempDirectory("synth");

    /// <summary>1,000 stocks over 10 years: the IC and structure checks.</summary>
    public string TenYears => _root.Combine("ten-years");

    /// <summary>4,000 stocks over 2 years: factor recovery.</summary>
    public string Wide => _root.Combine("wide");

    public SyntheticMarketResult TenYearsResult { get; private set; } = null!;

    public SyntheticMarketResult WideResult { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        TenYearsResult = await SyntheticMarketGenerator.GenerateAsync(new SyntheticMarketOptions { Stocks = 1000, Years = 10, Seed = 11 }, TenYears, cancellationToken: TestContext.Current.CancellationToken);
        WideResult = await SyntheticMarketGenerator.GenerateAsync(new SyntheticMarketOptions { Stocks = 4000, Years = 2, Seed = 12, IntradaySymbols = 0 }, Wide, cancellationToken: TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}
