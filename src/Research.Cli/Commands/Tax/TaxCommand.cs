using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Trading;
using Research.Trading.Tax;
using Spectre.Console;

namespace Research.Cli.Commands.Tax;

/// <summary>
/// <c>research tax lots|gains|wash-sales|harvest|export</c>: tax lots, realised gains and wash sales (IRS Pub. 550)
/// from a trades file and/or the fills of execution gateway accounts, run through <see cref="LotLedger"/>; exports as
/// Form 8949-style CSV and TXF. Reads only; nothing is stored.
/// </summary>
public static class TaxCommand
{
    private static readonly Option<string[]> Trades = new("--trades") { Description = "CSV of trades: id,date,account,symbol,side,quantity,price[,fees][,lots] (lots: buyid:shares;... for specific identification). Repeatable." };
    private static readonly Option<string[]> Accounts = new("--account") { Description = "Also every fill of this execution gateway account (through the cluster; dated in New York time). Repeatable." };
    private static readonly Option<string?> Splits = new("--splits") { Description = "CSV of splits: date,symbol,ratio (2 for a 2-for-1)." };
    private static readonly Option<LotMethod> Method = CliOptions.Choice("--method", "Which lots a sale takes.", LotMethod.Fifo);
    private static readonly Option<string[]> Owners = new("--owner") { Description = "ACCOUNT=OWNER: accounts of one owner share wash sales (an account not named is its own owner). Repeatable." };
    private static readonly Option<string[]> Equivalents = new("--equivalent") { Description = "SYM,SYM,...: securities treated as substantially identical. Repeatable." };
    private static readonly Option<bool> NoWash = new("--no-wash-sales") { Description = "Plain lot arithmetic, without the wash-sale rule." };
    private static readonly Option<int?> Year = new Option<int?>("--year") { Description = "Only sales in this tax year." }.Between(1900, 2200, "a year from 1900 to 2200");

    public static Command Create(CliOutput output)
    {
        var tax = new Command("tax", "Tax lots (FIFO, LIFO, highest cost, specific identification), realised gains short- and long-term, wash sales across an owner's accounts, harvesting candidates, Form 8949 CSV and TXF exports.");
        tax.Subcommands.Add(Lots(output));
        tax.Subcommands.Add(Gains(output));
        tax.Subcommands.Add(WashSales(output));
        tax.Subcommands.Add(Harvest(output));
        tax.Subcommands.Add(Export(output));
        return tax;
    }

    private static Command With(string name, string description, params Option[] more)
    {
        var command = new Command(name, description) { Trades, Accounts, Splits, Method, Owners, Equivalents, NoWash, ClusterOptions.Gateway };
        foreach (var option in more)
        {
            command.Options.Add(option);
        }

        return command;
    }

    private static Command Lots(CliOutput output)
    {
        var command = With("lots", "The open lots: shares, basis (wash-sale adjustments included), acquired, holding period start.");
        command.SetAction(async (parse, ct) =>
        {
            var (result, _) = await RunAsync(parse, ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result.OpenLots);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Account", "Symbol", "Lot (buy)", "Shares", "Basis", "Per share", "Wash adj.", "Acquired", "Held from");
            foreach (var l in result.OpenLots)
            {
                table.AddRow(Markup.Escape(l.Account), Markup.Escape(l.Symbol), Markup.Escape(l.BuyId), Q(l.Quantity), M(l.Basis), M(l.BasisPerShare), l.WashAdjustment == 0 ? "-" : M(l.WashAdjustment), D(l.Acquired), D(l.HoldingFrom));
            }

            output.Console.Write(table);
            output.Console.MarkupLine($"{result.OpenLots.Count:N0} open lots, basis {M(result.OpenLots.Sum(l => l.Basis))}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Gains(CliOutput output)
    {
        var command = With("gains", "Realised gains and losses per lot sold (Form 8949 lines) and the totals, short- and long-term.", Year);
        command.SetAction(async (parse, ct) =>
        {
            var (result, _) = await RunAsync(parse, ct).ConfigureAwait(false);
            var year = parse.GetValue(Year);
            var lines = result.Disposals.Where(d => year is null || d.Sold.Year == year).ToList();
            var (st, lt, disallowed) = (lines.Where(d => d.Term == HoldingTerm.ShortTerm).Sum(d => d.Gain), lines.Where(d => d.Term == HoldingTerm.LongTerm).Sum(d => d.Gain), lines.Sum(d => d.Disallowed));
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { year, shortTerm = TaxExports.Cents(st), longTerm = TaxExports.Cents(lt), washSaleDisallowed = TaxExports.Cents(disallowed), disposals = lines });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Sold", "Account", "Symbol", "Sale", "Lot", "Shares", "Acquired", "Proceeds", "Basis", "Wash adj.", "Gain", "Term");
            foreach (var d in lines)
            {
                table.AddRow(D(d.Sold), Markup.Escape(d.Account), Markup.Escape(d.Symbol), Markup.Escape(d.SaleId), Markup.Escape(d.BuyId), Q(d.Quantity), D(d.Acquired), M(d.Proceeds), M(d.Basis),
                    d.Disallowed == 0 ? "-" : "W " + M(d.Disallowed), M(d.Gain), d.Term == HoldingTerm.ShortTerm ? "short" : "long");
            }

            output.Console.Write(table);
            output.Console.MarkupLine(Markup.Escape($"{(year is { } y ? $"{y}: " : string.Empty)}short-term {M(st)}, long-term {M(lt)}, total {M(st + lt)}; wash-sale losses disallowed {M(disallowed)} (added to the replacements' basis)."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command WashSales(CliOutput output)
    {
        var command = With("wash-sales", "The ledger of disallowed losses: which sale, which replacement, how many shares, how much, the holding period carried over.", Year);
        command.SetAction(async (parse, ct) =>
        {
            var (result, _) = await RunAsync(parse, ct).ConfigureAwait(false);
            var year = parse.GetValue(Year);
            var lines = result.WashSales.Where(w => year is null || w.Sold.Year == year).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(lines);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Owner", "Sold", "Sale", "Account", "Symbol", "Replacement", "Bought", "Account", "Symbol", "Shares", "Disallowed", "Days tacked");
            foreach (var w in lines)
            {
                table.AddRow(Markup.Escape(w.Owner), D(w.Sold), Markup.Escape(w.SaleId), Markup.Escape(w.SaleAccount), Markup.Escape(w.Symbol), Markup.Escape(w.ReplacementId), D(w.Replaced), Markup.Escape(w.ReplacementAccount),
                    Markup.Escape(w.ReplacementSymbol), Q(w.Quantity), M(w.DisallowedLoss), w.TackedDays.ToString(CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            output.Console.MarkupLine($"{lines.Count:N0} wash sales, {Markup.Escape(M(lines.Sum(w => w.DisallowedLoss)))} disallowed.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Harvest(CliOutput output)
    {
        var prices = new Option<string[]>("--price") { Description = "SYMBOL=PRICE: today's price of a held symbol. Repeatable.", Required = true };
        var asOf = CliOptions.OptionalDate("--as-of", "The day of the sale being considered (default: today, UTC).");
        var minimum = new Option<decimal>("--min-loss") { Description = "Only losses larger than this (default 0).", DefaultValueFactory = _ => 0 };
        minimum.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && (!decimal.TryParse(r.Tokens[0].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) || m < 0))
            {
                r.AddError($"--min-loss: '{r.Tokens[0].Value}' is not an amount at or above 0.");
            }
        });
        var riskModel = new Option<bool>("--risk-model") { Description = "Propose replacements: the five stocks the stored risk model (research risk fit, in --data-root) forecasts most correlated with each, never one of its equivalents." };
        var command = With("harvest", "Open lots below their basis at the given prices, largest loss first, each with the recent buys that would make a sale today a wash sale, when buying back is safe, and (--risk-model) replacements that track it.", prices, asOf, minimum, riskModel);
        command.SetAction(async (parse, ct) =>
        {
            var (result, options) = await RunAsync(parse, ct).ConfigureAwait(false);
            var quotes = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var p in parse.GetValue(prices) ?? [])
            {
                var at = p.IndexOf('=', StringComparison.Ordinal);
                quotes[at > 0 ? p[..at] : throw new CliException($"--price: '{p}' is not SYMBOL=PRICE.")] = decimal.TryParse(p[(at + 1)..], NumberStyles.Number, CultureInfo.InvariantCulture, out var v) && v >= 0
                    ? v : throw new CliException($"--price: '{p[(at + 1)..]}' in '{p}' is not a price.");
            }

            var day = parse.GetValue(asOf) ?? DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
            using var replacements = parse.GetValue(riskModel) ? Replacements.Open(parse, day) : null;
            var candidates = TaxHarvest.Suggest(result, quotes, day, options, replacements is null ? null : replacements.For, parse.GetValue(minimum));
            var unpriced = result.OpenLots.Select(l => l.Symbol).Distinct(StringComparer.Ordinal).Where(s => !quotes.ContainsKey(s)).Order(StringComparer.Ordinal).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    asOf = day,
                    riskModel = replacements?.Describe,
                    unpriced,
                    candidates = candidates.Select(c => new { c.Lot, c.Price, c.Value, c.Loss, c.Term, c.WashingBuys, c.WashedShares, c.RebuyFrom, replacements = c.Replacements.Select(r => new { symbol = r.Symbol, correlation = r.Similarity }) }),
                });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Account", "Symbol", "Lot", "Shares", "Basis", "Value", "Loss", "Term", "Wash if sold today", "Rebuy from", "Replacements (forecast correlation)");
            foreach (var c in candidates)
            {
                table.AddRow(Markup.Escape(c.Lot.Account), Markup.Escape(c.Lot.Symbol), Markup.Escape(c.Lot.BuyId), Q(c.Lot.Quantity), M(c.Lot.Basis), M(c.Value), M(c.Loss), c.Term == HoldingTerm.ShortTerm ? "short" : "long",
                    c.WashingBuys.Count == 0 ? "no" : Markup.Escape($"{Q(c.WashedShares)} shares, against {string.Join(", ", c.WashingBuys)}"), D(c.RebuyFrom),
                    c.Replacements.Count == 0 ? "-" : Markup.Escape(string.Join(", ", c.Replacements.Select(r => $"{r.Symbol} {r.Similarity:F2}"))));
            }

            output.Console.Write(table);
            if (unpriced.Count > 0)
            {
                output.Console.MarkupLine(Markup.Escape($"Not priced (give --price): {string.Join(", ", unpriced)}."));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(CliOutput output)
    {
        var format = new Option<string>("--format") { Description = "8949 (CSV, Form 8949 columns) or txf (Tax Exchange Format v042).", Required = true }.OneOf("8949", "txf");
        var box = CliOptions.Choice("--box", "Form 8949 box: a (basis reported on a 1099-B), b (not reported), c (no 1099-B); long-term lines go to d, e, f.", Form8949Box.A);
        var outFile = new Option<string>("--out") { Description = "The file to write (replaced whole: written beside it, then renamed).", Required = true };
        var command = With("export", "Write the year's disposals for tax software.", Year, format, box, outFile);
        command.SetAction(async (parse, ct) =>
        {
            var (result, _) = await RunAsync(parse, ct).ConfigureAwait(false);
            var year = parse.GetValue(Year);
            var lines = result.Disposals.Where(d => year is null || d.Sold.Year == year).ToList();
            var text = parse.GetValue(format) == "txf"
                ? TaxExports.Txf(lines, DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime), parse.GetValue(box))
                : TaxExports.Form8949Csv(lines, parse.GetValue(box));
            var path = Path.GetFullPath(parse.GetValue(outFile)!);
            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new CliException($"--out: the folder {Path.GetDirectoryName(path)} does not exist.");
            }

            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, text, ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            output.Done(parse, $"{lines.Count:N0} lines written to {path}.", new { path, lines = lines.Count });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(TaxLedgerResult Result, TaxLedgerOptions Options)> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var files = parse.GetValue(Trades) ?? [];
        var accounts = parse.GetValue(Accounts) ?? [];
        if (files.Length == 0 && accounts.Length == 0)
        {
            throw new CliException("--trades or --account: give a trades file, an execution gateway account, or both.");
        }

        var trades = new List<TaxTrade>();
        foreach (var file in files)
        {
            trades.AddRange(Checked(() => TaxTradeFile.ReadTrades(file)));
        }

        if (accounts.Length > 0)
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct, "fills live in the cluster").ConfigureAwait(false);
            foreach (var account in accounts)
            {
                trades.AddRange(await FillsAsync(cluster.Client.GetGrain<IExecutionGatewayGrain>(account), account).ConfigureAwait(false));
            }
        }

        var options = new TaxLedgerOptions
        {
            Method = parse.GetValue(Method),
            Splits = parse.GetValue(Splits) is { } s ? Checked(() => TaxTradeFile.ReadSplits(s)) : [],
            Owners = Pairs(parse.GetValue(Owners) ?? [], "--owner", "ACCOUNT=OWNER"),
            EquivalentSets = [.. (parse.GetValue(Equivalents) ?? []).Select(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: >= 2 } set
                ? (IReadOnlyCollection<string>)set : throw new CliException($"--equivalent: '{e}' names fewer than two symbols (SYM,SYM,...)."))],
            WashSales = !parse.GetValue(NoWash),
        };
        return (Checked(() => LotLedger.Run(trades, options)), options);
    }

    /// <summary>Bad input (a malformed file, a sale of more than is held) in one line, naming the file, line, trade or lot.</summary>
    private static T Checked<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new CliException(e.Message, e);
        }
    }

    /// <summary>Every fill of an account, oldest first, as trades: id ACCOUNT#SEQUENCE, dated in New York time, costs as fees.</summary>
    private static async Task<List<TaxTrade>> FillsAsync(IExecutionGatewayGrain gateway, string account)
    {
        var trades = new List<TaxTrade>();
        long after = 0;
        while (true)
        {
            var page = await Trading.TradingErrors.RunAsync(() => gateway.FillsAsync(after, 1_000)).ConfigureAwait(false);
            foreach (var f in page)
            {
                trades.Add(TaxTrade.FromFill(account, f.Sequence, f.At, f.Symbol, f.Side == TicketSide.Buy, f.Quantity, f.Price, f.Cost));
                after = Math.Max(after, f.Sequence);
            }

            if (page.Length < 1_000)
            {
                return trades;
            }
        }
    }

    private static Dictionary<string, string> Pairs(string[] values, string option, string shape)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var at = v.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || at == v.Length - 1)
            {
                throw new CliException($"{option}: '{v}' is not {shape}.");
            }

            map[v[..at].Trim()] = v[(at + 1)..].Trim();
        }

        return map;
    }

    private static string M(decimal amount) => TaxExports.Cents(amount).ToString("N2", CultureInfo.InvariantCulture);

    private static string Q(decimal quantity) => quantity.ToString("0.####", CultureInfo.InvariantCulture);

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
