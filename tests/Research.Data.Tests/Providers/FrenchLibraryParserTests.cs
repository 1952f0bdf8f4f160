using Research.Data.Providers.FamaFrench;
using Research.Testing;

namespace Research.Data.Tests.Providers;

public sealed class FrenchLibraryParserTests
{
    private static string French => Path.Combine(TestEnvironment.RequireRealData(), "french");

    [Fact]
    public void The_2025_10_daily_FF3_file_gives_26110_rows_from_1926_07_01_to_2025_10_31_in_decimals()
    {
        var file = FrenchLibraryParser.ParseFile(Path.Combine(French, "202510", "F-F_Research_Data_Factors_daily.csv"));
        var table = Assert.Single(file.Tables);
        Assert.Equal(FrenchFrequency.Daily, table.Frequency);
        Assert.Equal(["Mkt-RF", "SMB", "HML", "RF"], table.Columns);
        Assert.Equal(26_110, table.Dates.Count);
        Assert.Equal(new DateOnly(1926, 7, 1), table.Dates[0]);
        Assert.Equal(new DateOnly(2025, 10, 31), table.Dates[^1]);
        double[] first = [0.0009, -0.0025, -0.0027, 0.0001]; // "19260701,    0.09,   -0.25,   -0.27,    0.01"
        Assert.All(first.Zip(table.Values[0]), p => Assert.Equal(p.First, p.Second!.Value, 12));
        Assert.Equal(0.0040, table.Values[^1][0]!.Value, 12);
        Assert.StartsWith("This file was created", file.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Monthly_and_annual_sections_never_mix()
    {
        var file = FrenchLibraryParser.ParseFile(Path.Combine(French, "202510", "F-F_Research_Data_Factors.csv"));
        Assert.Equal(2, file.Tables.Count);
        var monthly = file.Table(FrenchFrequency.Monthly);
        var annual = file.Table(FrenchFrequency.Annual, "Annual");
        Assert.Equal(new DateOnly(1926, 7, 31), monthly.Dates[0]);
        Assert.Equal(new DateOnly(1927, 12, 31), annual.Dates[0]);
        Assert.All(monthly.Dates.Zip(monthly.Dates.Skip(1)), p => Assert.Equal(p.First.AddMonths(1).Month, p.Second.Month));
        Assert.All(annual.Dates.Zip(annual.Dates.Skip(1)), p => Assert.Equal(p.First.Year + 1, p.Second.Year));
    }

    [Fact]
    public void Every_file_in_the_library_folders_parses_csv_and_zip_alike()
    {
        var files = Directory.EnumerateFiles(French, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(files.Count >= 25, $"{files.Count} files");
        foreach (var path in files)
        {
            var parsed = FrenchLibraryParser.ParseFile(path);
            Assert.NotEmpty(parsed.Tables);
            Assert.All(parsed.Tables, t => Assert.All(t.Values, row => Assert.Equal(t.Columns.Count, row.Length)));
        }

        // A zip and its CSV give the same numbers.
        var csv = FrenchLibraryParser.ParseFile(Path.Combine(French, "202412", "F-F_Momentum_Factor_daily.CSV"));
        var zip = FrenchLibraryParser.ParseFile(Path.Combine(French, "202412", "F-F_Momentum_Factor_daily_CSV.zip"));
        Assert.Equal(csv.Tables[0].Values.Select(r => r[0]), zip.Tables[0].Values.Select(r => r[0]));
    }

    [Fact]
    public void The_49_industry_file_gives_all_its_tables_with_trimmed_column_names_and_keeps_non_return_units()
    {
        var file = FrenchLibraryParser.ParseFile(Path.Combine(French, "202412", "49_Industry_Portfolios.CSV"));
        Assert.True(file.Tables.Count >= 8, $"{file.Tables.Count} tables");
        Assert.All(file.Tables, t => Assert.Equal(49, t.Columns.Count));
        Assert.All(file.Tables, t => Assert.All(t.Columns, c => Assert.Equal(c.Trim(), c)));
        Assert.Equal("Food", file.Tables[0].Columns[1]);
        var firms = file.Tables.First(t => t.Title.Contains("Number of Firms", StringComparison.OrdinalIgnoreCase));
        Assert.False(firms.IsPercent);
        Assert.True(firms.Values.SelectMany(r => r).Where(v => v is not null).All(v => v >= 0 && v == Math.Floor(v!.Value)));
        var returns = file.Tables.First(t => t.Title.Contains("Value Weighted Returns", StringComparison.OrdinalIgnoreCase));
        Assert.True(returns.IsPercent);
        Assert.True(returns.Values.SelectMany(r => r).Where(v => v is not null).All(v => Math.Abs(v!.Value) < 5), "returns are decimals");
        Assert.Contains(returns.Values.SelectMany(r => r), v => v is null); // -99.99 in early years
    }

    [Fact]
    public void The_stripped_file_is_read_as_one_untitled_table_of_percent_returns_with_a_warning()
    {
        var file = FrenchLibraryParser.ParseFile(Path.Combine(French, "partial", "10_Industry_Portfolios_Daily.csv"));
        var table = Assert.Single(file.Tables);
        Assert.Equal(FrenchFrequency.Daily, table.Frequency);
        Assert.Equal(0.0002, table.Values[0][0]);
        Assert.Contains(file.Warnings, w => w.Contains("no description text", StringComparison.Ordinal));
    }

    [Fact]
    public void A_corrupt_zip_gets_a_clear_error()
    {
        using var dir = TestEnvironment.CreateTempDirectory("ff-zip");
        var path = dir.Combine("F-F_Research_Data_Factors_CSV.zip");
        File.WriteAllBytes(path, [0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
        var e = Assert.Throws<InvalidDataException>(() => FrenchLibraryParser.ParseFile(path));
        Assert.Contains("F-F_Research_Data_Factors_CSV.zip", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",Mkt-RF,SMB,HML,RF\n19260701,0.09,-0.25,-0.27\n", "line 2: 3 values for 4 columns")]
    [InlineData(",Mkt-RF,SMB,HML,RF\n19260701,0.09,x,-0.27,0.01\n", "line 2 column 'SMB': 'x' is not a number")]
    [InlineData(",Mkt-RF,SMB,HML,RF\n19260701,0.09,-0.25,-0.27,0.01\n192607,0.09,-0.25,-0.27,0.01\n", "a Monthly row inside a Daily table")]
    [InlineData(",Mkt-RF,,HML,RF\n19260701,0.09,-0.25,-0.27,0.01\n", "line 1: empty column name")]
    [InlineData("just text\n\nmore text\n", "no table found")]
    public void Malformed_text_is_refused_naming_file_line_and_column(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => FrenchLibraryParser.Parse(new StringReader(text), "bad.csv"));
        Assert.StartsWith("bad.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
