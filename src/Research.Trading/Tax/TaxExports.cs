using System.Globalization;
using System.Text;

namespace Research.Trading.Tax;

/// <summary>Which Form 8949 box the lines belong to: A/D (basis reported to the IRS on a 1099-B), B/E (not reported), C/F (no 1099-B).</summary>
public enum Form8949Box
{
    A,
    B,
    C,
}

/// <summary>
/// Disposals as tax software reads them. Amounts are rounded to cents (half away from zero) line by line.
/// <list type="bullet">
/// <item>Form 8949-style CSV: part (I short-term, II long-term), box, (a) description, (b) date acquired (the purchase
/// date; the wash-sale-tacked holding period only decides the part), (c) date sold, (d) proceeds, (e) cost basis,
/// (f) code (W for a wash sale), (g) adjustment (the disallowed loss), (h) gain or loss = d − e + g.</item>
/// <item>TXF (Tax Exchange Format v042, record format 5): a header (V042, the program, the date), then per line
/// <c>TD</c>, <c>N</c> with the reference number (321/711/712 short-term, 323/713/714 long-term for boxes A/B/C),
/// <c>C1</c>, <c>L1</c>, <c>P</c> description, <c>D</c> acquired, <c>D</c> sold, <c>$</c> cost, <c>$</c> proceeds,
/// <c>$</c> disallowed wash-sale loss (empty when none), <c>^</c>.</item>
/// </list>
/// </summary>
public static class TaxExports
{
    public static string Form8949Csv(IEnumerable<Disposal> disposals, Form8949Box box = Form8949Box.A)
    {
        ArgumentNullException.ThrowIfNull(disposals);
        var text = new StringBuilder("part,box,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain_or_loss,account,sale_id,buy_id\n");
        foreach (var d in Ordered(disposals))
        {
            var (proceeds, basis, adjustment) = (Cents(d.Proceeds), Cents(d.Basis), Cents(d.Disallowed));
            text.Append(CultureInfo.InvariantCulture, $"{(d.Term == HoldingTerm.ShortTerm ? "I" : "II")},{Box(d.Term, box)},{Description(d)},{d.Acquired:MM/dd/yyyy},{d.Sold:MM/dd/yyyy},{proceeds:0.00},{basis:0.00},{(adjustment != 0 ? "W" : string.Empty)},{(adjustment != 0 ? adjustment.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty)},{proceeds - basis + adjustment:0.00},{d.Account},{d.SaleId},{d.BuyId}\n");
        }

        return text.ToString();
    }

    public static string Txf(IEnumerable<Disposal> disposals, DateOnly exported, Form8949Box box = Form8949Box.A)
    {
        ArgumentNullException.ThrowIfNull(disposals);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"V042\nAResearch platform\nD{exported:MM/dd/yyyy}\n^\n");
        foreach (var d in Ordered(disposals))
        {
            var code = (d.Term, box) switch
            {
                (HoldingTerm.ShortTerm, Form8949Box.A) => 321,
                (HoldingTerm.ShortTerm, Form8949Box.B) => 711,
                (HoldingTerm.ShortTerm, _) => 712,
                (_, Form8949Box.A) => 323,
                (_, Form8949Box.B) => 713,
                _ => 714,
            };
            var adjustment = Cents(d.Disallowed);
            text.Append(CultureInfo.InvariantCulture,
                $"TD\nN{code}\nC1\nL1\nP{Description(d)}\nD{d.Acquired:MM/dd/yyyy}\nD{d.Sold:MM/dd/yyyy}\n${Cents(d.Basis):0.00}\n${Cents(d.Proceeds):0.00}\n${(adjustment != 0 ? adjustment.ToString("0.00", CultureInfo.InvariantCulture) : string.Empty)}\n^\n");
        }

        return text.ToString();
    }

    /// <summary>Realised gains of a year, short- and long-term, with the wash-sale adjustments they include.</summary>
    public static (decimal ShortTerm, decimal LongTerm, decimal Disallowed) YearSummary(IEnumerable<Disposal> disposals, int year)
    {
        ArgumentNullException.ThrowIfNull(disposals);
        var (st, lt, w) = (0m, 0m, 0m);
        foreach (var d in disposals.Where(d => d.Sold.Year == year))
        {
            (st, lt, w) = d.Term == HoldingTerm.ShortTerm ? (st + d.Gain, lt, w + d.Disallowed) : (st, lt + d.Gain, w + d.Disallowed);
        }

        return (st, lt, w);
    }

    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    private static string Box(HoldingTerm term, Form8949Box box) => term == HoldingTerm.ShortTerm ? box.ToString() : ((char)(box.ToString()[0] + 3)).ToString();

    private static string Description(Disposal d) => string.Create(CultureInfo.InvariantCulture, $"{d.Quantity:0.####} sh {d.Symbol}");

    private static IEnumerable<Disposal> Ordered(IEnumerable<Disposal> disposals) => disposals.OrderBy(d => d.Term).ThenBy(d => d.Sold).ThenBy(d => d.Acquired);
}
