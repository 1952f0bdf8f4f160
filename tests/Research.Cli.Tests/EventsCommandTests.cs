using System.Text.Json;
using Research.Analytics.Events;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// <c>research events study</c> on a small synthetic warehouse: the JSON carries the library's numbers for an events
/// file and for the earnings study, the per-event CSV has one row per event, and bad input is refused by name.
/// </summary>
public sealed class EventsCommandTests
{
    [Fact]
    public async Task An_events_file_and_the_earnings_study_give_the_librarys_numbers_and_bad_input_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("cli-events");
        var root = dir.Combine("data");
        var layout = new WarehouseLayout(root);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 150, Years = 5, EndYear = 2024, Seed = 31, IntradaySymbols = 0 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "famafrench/factors_daily" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        // Three events of the first three securities in mid-2024, in two groups, one id given.
        int[] permnos;
        using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        using (var command = session.CreateTrustedCommand("SELECT DISTINCT permno FROM crsp.daily WHERE date = DATE '2024-06-03' ORDER BY 1 LIMIT 3"))
        using (var reader = command.ExecuteReader())
        {
            var list = new List<int>();
            while (reader.Read())
            {
                list.Add(reader.GetInt32(0));
            }

            permnos = [.. list];
        }

        var file = dir.Combine("events.csv");
        await File.WriteAllTextAsync(file, $"permno,date,group,id\n{permnos[0]},2024-06-03,addition,a1\n{permnos[1]},2024-06-08,addition,\n{permnos[2]},2024-07-01,deletion,\"d,1\"\n", ct);
        var (code, output, error) = await CliRunner.RunAsync("events", "study", "--events", file, "--data-root", root, "--test", "-1:1", "--test", "0:5", "--json");
        Assert.True(code == 0, error);
        var options = new EventStudyOptions { Tests = [new EventWindow(-1, 1), new EventWindow(0, 5)] };
        EventStudyResult expected;
        using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System))
        {
            var events = EventStudyLoader.ReadEvents(file);
            Assert.Equal("d,1", events[2].Id);
            Assert.Equal($"{permnos[1]}@2024-06-08", events[1].Id);
            var (market, returns) = EventStudyLoader.Load(session, events, options);
            expected = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), options, cancellationToken: ct);
        }

        using (var json = JsonDocument.Parse(output))
        {
            var root0 = json.RootElement;
            Assert.Equal("market-model", root0.GetProperty("design").GetProperty("model").GetString());
            Assert.Equal(3, root0.GetProperty("studied").GetInt32());
            var tests = root0.GetProperty("tests").EnumerateArray().ToArray();
            Assert.Equal(4, tests.Length);
            var addition = tests.Single(t => t.GetProperty("group").GetString() == "addition" && t.GetProperty("window").GetString() == "[-1, +1]");
            var library = expected.Groups.Single(g => g.Group == "addition").Tests[0];
            Assert.Equal(library.Caar, addition.GetProperty("caar").GetDouble());
            Assert.Equal(library.Bmp, addition.GetProperty("bmp").GetDouble());
            Assert.Equal(library.Patell, addition.GetProperty("patell").GetDouble());
            Assert.Equal(2, addition.GetProperty("events").GetInt32());
            var deletion = tests.Single(t => t.GetProperty("group").GetString() == "deletion" && t.GetProperty("window").GetString() == "[0, +5]");
            Assert.Equal(JsonValueKind.Null, deletion.GetProperty("tStatistic").ValueKind); // one event: no cross-sectional t
            Assert.Equal(expected.Groups.Single(g => g.Group == "deletion").Tests[1].Caar, deletion.GetProperty("caar").GetDouble());
        }

        // The table names every test, the per-event CSV one row per event with the right field count.
        var csv = dir.Combine("out", "events-out.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        (code, output, error) = await CliRunner.RunAsync("events", "study", "--events", file, "--data-root", root, "--model", "market-adjusted", "--out", csv);
        Assert.True(code == 0, error);
        Assert.Contains("3 of 3 events studied (market-adjusted", output, StringComparison.Ordinal);
        Assert.Contains("Patell Z", output, StringComparison.Ordinal);
        var rows = (await File.ReadAllLinesAsync(csv, ct)).Select(l => Research.Core.Text.CsvRecords.Fields(l)).ToArray();
        Assert.Equal(4, rows.Length);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        Assert.Equal("d,1", rows[^1][0]);

        // Earnings without Compustat in the warehouse is refused by dataset.
        (code, _, error) = await CliRunner.RunAsync("events", "study", "--earnings", "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains("compustat/quarterly is not in the warehouse", error, StringComparison.Ordinal);

        // Bad input, each named.
        await File.WriteAllTextAsync(dir.Combine("nodate.csv"), "permno,day\n10001,2024-01-02\n", ct);
        await File.WriteAllTextAsync(dir.Combine("baddate.csv"), "permno,date\n10001,2024-01-02\n10002,2024-02-30\n", ct);
        foreach (var (args, exit, text) in new (string[] Args, int Exit, string Text)[]
        {
            (["--events", file, "--earnings"], 1, "exactly one of --events FILE and --earnings"),
            ([], 1, "exactly one of --events FILE and --earnings"),
            (["--events", file, "--window", "5:1"], 1, "--window: '5:1': the window starts after it ends"),
            (["--events", file, "--window", "abc"], 1, "--window: 'abc' is not a window"),
            (["--events", file, "--test", "0:30"], 1, "--test [0, +30] is not inside the event window [-10, +10]"),
            (["--events", file, "--estimation", "-100:-5", "--window", "-5:5"], 1, "--estimation [-100, -5] must end before the event window"),
            (["--events", file, "--min-estimation", "400"], 1, "--min-estimation: at least 5 and at most 240"),
            (["--events", file, "--model", "capm"], 2, "--model"),
            (["--events", file, "--from", "2024-01-01"], 1, "--from and --to select report dates with --earnings"),
            (["--earnings", "--from", "2024-06-01", "--to", "2024-01-01"], 1, "--from 2024-06-01 is after --to 2024-01-01"),
            (["--events", dir.Combine("nodate.csv")], 1, "column 'date' is missing"),
            (["--events", dir.Combine("baddate.csv")], 1, "line 3, column date: '2024-02-30' is not a date"),
            (["--events", dir.Combine("none.csv")], 1, "no such file"),
        })
        {
            (code, _, error) = await CliRunner.RunAsync(["events", "study", "--data-root", root, .. args]);
            Assert.True(code == exit, $"{string.Join(' ', args)}: exit {code}, {error}");
            Assert.Contains(text, error, StringComparison.Ordinal);
        }
    }
}
