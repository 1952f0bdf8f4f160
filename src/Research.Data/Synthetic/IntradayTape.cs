namespace Research.Data.Synthetic;

/// <summary>Trades and quotes of one symbol-day, column by column (times in microseconds after midnight, exchange time).</summary>
internal sealed class IntradayTape
{
    public List<long> TradeTimes { get; } = [];

    public List<double> TradePrices { get; } = [];

    public List<int> TradeSizes { get; } = [];

    public List<long> QuoteTimes { get; } = [];

    public List<double> Bids { get; } = [];

    public List<double> Asks { get; } = [];

    public List<int> BidSizes { get; } = [];

    public List<int> AskSizes { get; } = [];
}
