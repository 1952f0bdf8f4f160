using Research.Analytics.Alpha.Signals;

namespace Research.Analytics.Tests.Alpha;

/// <summary>Signal definitions as data: parsing with errors that name the field, a stable identity, transforms computed by hand.</summary>
public sealed class SignalDefinitionTests
{
    [Fact]
    public void A_definition_reads_from_json_and_its_hash_depends_on_meaning_not_layout()
    {
        var a = SignalDefinition.Parse("""
            // comments and trailing commas are allowed
            {"name": "value_momentum", "version": 2, "description": "half and half",
             "terms": [{"descriptor": "book_to_price", "weight": 0.5, "transforms": ["winsorize:0.01", "zscore"]},
                       {"descriptor": "momentum_12_1", "weight": 0.5, "transforms": ["rank"],}],
             "post": ["neutralize:industry", "zscore"]}
            """, "vm.json");
        var b = SignalDefinition.Parse("""{"version":2,"name":"value_momentum","description":"half and half","terms":[{"weight":0.5,"descriptor":"book_to_price","transforms":["winsorize:0.01","zscore"]},{"descriptor":"momentum_12_1","weight":0.5,"transforms":["rank"]}],"post":["neutralize:industry","zscore"]}""", "b");
        Assert.Equal("value_momentum@v2", a.Id);
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal(a.CanonicalJson(), SignalDefinition.Parse(a.CanonicalJson(), "round trip").CanonicalJson());
        Assert.NotEqual(a.Sha256, a.With(SignalTransform.Parse("rank")).Sha256);
        Assert.Equal(["neutralize:industry", "zscore"], a.Post.Select(p => p.Text));
        Assert.Equal(1, SignalDefinition.Parse("""{"name":"x","terms":[{"descriptor":"roe"}]}""", "t").Terms[0].Weight);
    }

    [Theory]
    [InlineData("""{"name":"Bad Name","terms":[{"descriptor":"roe"}]}""", "vm.json: name 'Bad Name' must be lower-case")]
    [InlineData("""{"terms":[{"descriptor":"roe"}]}""", "vm.json: 'name' is missing")]
    [InlineData("""{"name":"x","terms":[]}""", "vm.json: 'terms' must be a non-empty list")]
    [InlineData("""{"name":"x","terms":[{"descriptor":"roe2"}]}""", "vm.json: terms[0]: unknown descriptor 'roe2'")]
    [InlineData("""{"name":"x","terms":[{"descriptor":"roe","weight":0}]}""", "vm.json: terms[0]: 'weight' must be a finite, non-zero number")]
    [InlineData("""{"name":"x","terms":[{"descriptor":"roe","transforms":["winsorize:0.7"]}]}""", "vm.json: terms[0].transforms[0]: 'winsorize:0.7': winsorize takes a quantile in (0, 0.5)")]
    [InlineData("""{"name":"x","terms":[{"descriptor":"roe"}],"post":["neutralize:planted_alpha"]}""", "vm.json: post[0]: 'neutralize:planted_alpha': neutralize takes 'industry' or a computed descriptor")]
    [InlineData("""{"name":"x","terms":[{"descriptor":"roe"}],"weights":[1]}""", "vm.json: unknown field 'weights'")]
    [InlineData("""{"name":"x","version":0,"terms":[{"descriptor":"roe"}]}""", "vm.json: 'version' must be 1 or more")]
    [InlineData("""{"name":"x", "terms": [""", "vm.json: not valid JSON")]
    public void A_bad_definition_is_refused_naming_the_field(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => SignalDefinition.Parse(json, "vm.json"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    private static double[] Apply(string transform, double[] values, int[]? industry = null, double[]? size = null)
    {
        var copy = (double[])values.Clone();
        SignalTransform.Parse(transform).Apply(copy, industry ?? new int[values.Length], name => name == "log_size" ? size! : throw new ArgumentException(name));
        return copy;
    }

    [Fact]
    public void Transforms_equal_their_values_worked_by_hand()
    {
        double[] x = [1, 2, 3, 4, double.NaN, 10];

        // zscore over the five values: mean 4, sd sqrt(((9 + 4 + 1 + 0 + 36) / 4) = 12.5)
        var z = Apply("zscore", x);
        Assert.Equal((1 - 4) / Math.Sqrt(12.5), z[0], 12);
        Assert.Equal((10 - 4) / Math.Sqrt(12.5), z[5], 12);
        Assert.True(double.IsNaN(z[4]));

        // rank: 1..5 scaled to (r - 1) / 4 - 0.5; ties share the average
        Assert.Equal([-0.5, -0.25, 0, 0.25, double.NaN, 0.5], Apply("rank", x));
        Assert.Equal([-0.25, -0.25, 0.5], Apply("rank", [7, 7, 9])); // ranks 1.5, 1.5, 3 over n = 3

        // winsorize at 0.25 over sorted [1, 2, 3, 4, 10]: numpy linear quantiles 2 and 4
        Assert.Equal([2, 2, 3, 4, double.NaN, 4], Apply("winsorize:0.25", x));

        // industry means: {0: 1, 2 -> 1.5}, {1: 3, 4 -> 3.5}, unknown industry -> missing
        Assert.Equal([-0.5, 0.5, -0.5, 0.5, double.NaN, double.NaN], Apply("neutralize:industry", x, industry: [0, 0, 1, 1, 1, -1]));

        // neutralize on size: y = 1 + 2 s exactly leaves zero residuals; a missing size leaves the asset missing
        var residual = Apply("neutralize:log_size", [3, 5, 7, 9], size: [1, 2, 3, double.NaN]);
        Assert.Equal(0, residual[0], 12);
        Assert.Equal(0, residual[2], 12);
        Assert.True(double.IsNaN(residual[3]));
    }

    [Fact]
    public void The_built_ins_cover_the_issue_list_and_have_distinct_hashes()
    {
        Assert.Equal(["momentum", "reversal", "value_bp", "value_ey", "quality_roe", "quality_gm", "low_vol", "size", "earnings_surprise", "planted_alpha"], BuiltInSignals.All.Select(s => s.Name));
        Assert.Equal(BuiltInSignals.All.Count, BuiltInSignals.All.Select(s => s.Sha256).Distinct().Count());
        Assert.Equal(-1, BuiltInSignals.Find("size")!.Terms[0].Weight);
    }
}
