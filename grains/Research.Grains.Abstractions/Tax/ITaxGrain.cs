using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Tax;

/// <summary>Tax lots, realised gains and wash sales of execution gateway accounts, computed from their fills on demand (ADR 0011). Key: 0.</summary>
[Alias("research.tax.tax")]
public interface ITaxGrain : IGrainWithIntegerKey
{
    /// <summary>Lots, realised lines, the wash-sale ledger and year summaries; audited (P&amp;L data). An unknown method or no account is refused by name.</summary>
    [Alias("compute")]
    [RequiresAction(ResearchActions.TaxView)]
    Task<TaxView> ComputeAsync(TaxQuery query);

    /// <summary>The realised lines as <c>8949</c> CSV or <c>txf</c> (of the query's year when given); audited.</summary>
    [Alias("export")]
    [RequiresAction(ResearchActions.TaxView)]
    Task<TaxExportFile> ExportAsync(TaxQuery query, string format);
}
