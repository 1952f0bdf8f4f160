using Research.Testing;

namespace Research.Cli.Tests;

/// <summary><c>research tax</c> on trades files: Pub. 550's wash-sale example end to end, the exports, and bad input named.</summary>
public sealed class TaxCommandTests
{
    private const string Trades = """
        id,date,account,symbol,side,quantity,price,fees
        b1,2025-01-02,taxable,X,buy,100,10,0
        s1,2025-03-03,taxable,X,sell,100,7.5,0
        b2,2025-03-20,joint,X,buy,100,8,0
        s2,2026-01-21,joint,X,sell,100,12,0
        """;

    [Fact]
    public async Task Gains_wash_sales_and_exports_follow_pub_550_across_an_owners_accounts()
    {
        using var dir = TestEnvironment.CreateTempDirectory("tax-cli");
        var file = Path.Combine(dir.Path, "trades.csv");
        await File.WriteAllTextAsync(file, Trades, TestContext.Current.CancellationToken);
        string[] ledger = ["--trades", file, "--owner", "taxable=ana", "--owner", "joint=ana"];

        var (code, output, error) = await CliRunner.RunAsync(["tax", "gains", "--json", .. ledger]);
        Assert.True(code == 0, error);
        var gains = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal((0m, 150m, 250m), (gains.GetProperty("shortTerm").GetDecimal(), gains.GetProperty("longTerm").GetDecimal(), gains.GetProperty("washSaleDisallowed").GetDecimal()));

        // Without the owner the joint account's buy is someone else's: the $250 loss stands, and the second sale, held
        // from 2025-03-20 only, is short-term: -250 + 400.
        var (_, alone, _) = await CliRunner.RunAsync(["tax", "gains", "--json", "--trades", file]);
        var plain = System.Text.Json.JsonDocument.Parse(alone).RootElement;
        Assert.Equal((150m, 0m, 0m), (plain.GetProperty("shortTerm").GetDecimal(), plain.GetProperty("longTerm").GetDecimal(), plain.GetProperty("washSaleDisallowed").GetDecimal()));

        var csv = Path.Combine(dir.Path, "8949.csv");
        var (exportCode, _, exportError) = await CliRunner.RunAsync(["tax", "export", "--format", "8949", "--year", "2025", "--out", csv, .. ledger]);
        Assert.True(exportCode == 0, exportError);
        Assert.Equal("I,A,100 sh X,01/02/2025,03/03/2025,750.00,1000.00,W,250.00,0.00,taxable,s1,b1", File.ReadAllLines(csv)[1]);
        Assert.Equal(2, File.ReadAllLines(csv).Length); // the 2026 sale is another year's

        var txf = Path.Combine(dir.Path, "out.txf");
        Assert.Equal(0, (await CliRunner.RunAsync(["tax", "export", "--format", "txf", "--year", "2026", "--box", "c", "--out", txf, .. ledger])).ExitCode);
        Assert.Contains("TD\nN714\nC1\nL1\nP100 sh X\nD03/20/2025\nD01/21/2026\n$1050.00\n$1200.00\n$\n^\n", await File.ReadAllTextAsync(txf, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_trades_files_and_values_are_refused_naming_the_line_the_trade_or_the_option()
    {
        using var dir = TestEnvironment.CreateTempDirectory("tax-cli-bad");
        var bad = Path.Combine(dir.Path, "bad.csv");
        await File.WriteAllTextAsync(bad, "id,date,account,symbol,side,quantity,price\nb1,2025-01-02,a,X,buy,ten,10\n", TestContext.Current.CancellationToken);
        var (code, _, error) = await CliRunner.RunAsync(["tax", "gains", "--trades", bad]);
        Assert.Equal((1, $"error: {bad} line 2, column quantity: 'ten' is not a number."), (code, error.Trim()));

        var shortSale = Path.Combine(dir.Path, "short.csv");
        await File.WriteAllTextAsync(shortSale, "id,date,account,symbol,side,quantity,price\ns1,2025-01-02,a,X,sell,10,10\n", TestContext.Current.CancellationToken);
        Assert.Contains("trade s1 (2025-01-02 a) sells 10 X but the account holds 0", (await CliRunner.RunAsync(["tax", "lots", "--trades", shortSale])).Error, StringComparison.Ordinal);

        var missing = Path.Combine(dir.Path, "missing.csv");
        await File.WriteAllTextAsync(missing, "id,date,account,symbol,quantity,price\n", TestContext.Current.CancellationToken);
        Assert.Contains("column 'side' is missing", (await CliRunner.RunAsync(["tax", "lots", "--trades", missing])).Error, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync(["tax", "gains", "--trades", bad, "--method", "newest"])).ExitCode);
        Assert.Contains("--trades or --account", (await CliRunner.RunAsync(["tax", "gains"])).Error, StringComparison.Ordinal);
        var ok = Path.Combine(dir.Path, "ok.csv");
        await File.WriteAllTextAsync(ok, "id,date,account,symbol,side,quantity,price\nb1,2025-01-02,a,SPY,buy,10,600\n", TestContext.Current.CancellationToken);
        Assert.Contains("--price: 'SPY' is not SYMBOL=PRICE", (await CliRunner.RunAsync(["tax", "harvest", "--trades", ok, "--price", "SPY"])).Error, StringComparison.Ordinal);
        foreach (var (args, said) in new (string[], string)[]
        {
            (["tax", "gains", "--trades", ok, "--year", "-5"], "--year must be a year from 1900 to 2200 (got -5)."),
            (["tax", "gains", "--trades", ok, "--year", "abc"], "--year: 'abc' is not a whole number."),
            (["tax", "harvest", "--trades", ok, "--price", "SPY=1", "--min-loss", "-10"], "--min-loss: '-10' is not an amount at or above 0."),
            (["tax", "export", "--trades", ok, "--format", "pdf", "--out", Path.Combine(dir.Path, "x")], "--format: 'pdf' is not one of 8949, txf."),
            (["tax", "export", "--trades", ok, "--format", "txf", "--out", Path.Combine(dir.Path, "none", "x.txf")], $"--out: the folder {Path.Combine(dir.Path, "none")} does not exist."),
        })
        {
            var (refusedCode, _, refusedError) = await CliRunner.RunAsync(args);
            Assert.True(refusedCode != 0 && refusedError.Contains("error: " + said, StringComparison.Ordinal), $"{string.Join(" ", args)}: {refusedCode} {refusedError}");
        }

        Assert.False(File.Exists(Path.Combine(dir.Path, "x")));
        Assert.Contains("--equivalent: 'SPY' names fewer than two symbols", (await CliRunner.RunAsync(["tax", "lots", "--trades", ok, "--equivalent", "SPY"])).Error, StringComparison.Ordinal);
    }
}
