using Research.Analytics.Alpha;

namespace Research.Analytics.Tests.Alpha;

/// <summary>The corrections on Benjamini and Hochberg's (1995, section 4) worked example of 15 p-values.</summary>
public sealed class MultipleTestingTests
{
    private static readonly double[] Example = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000];

    private static int Rejected(MultipleTestingMethod method) => MultipleTesting.Adjust(Example, method).Count(p => p <= 0.05);

    [Fact]
    public void The_worked_example_rejects_four_hypotheses_by_false_discovery_rate_and_three_by_the_family_wise_rate()
    {
        // The paper: the step-up FDR procedure at q = 0.05 rejects the four smallest; Bonferroni (0.05/15 = 0.0033) three.
        Assert.Equal(4, Rejected(MultipleTestingMethod.BenjaminiHochberg));
        Assert.Equal(3, Rejected(MultipleTestingMethod.Bonferroni));
        Assert.Equal(3, Rejected(MultipleTestingMethod.Holm)); // 0.0095 > 0.05/12
        Assert.Equal(3, Rejected(MultipleTestingMethod.BenjaminiYekutieli)); // c(15) = 3.318: 0.0095 x 15 x 3.318 / 4 = 0.118

        // Adjusted values by hand: BH p_(4): min over j >= 4 of 15/j p_(j) = 15/4 x 0.0095; Holm p_(3): max(15 x 0.0001, 14 x 0.0004, 13 x 0.0019).
        var bh = MultipleTesting.Adjust(Example, MultipleTestingMethod.BenjaminiHochberg);
        Assert.Equal(15 / 4.0 * 0.0095, bh[3], 15);
        Assert.Equal(15 / 5.0 * 0.0201, bh[4], 15); // j = 5: 0.0603, below j = 6..9 (0.0695, 0.0639, 0.0645, 0.0765)
        Assert.Equal(15 / 7.0 * 0.0298, bh[5], 15); // p_(6): min(0.0695, 0.0639, 0.0645, 0.0765) at j = 7
        Assert.Equal(15 / 9.0 * 0.0459, bh[8], 15);
        Assert.Equal(1, bh[14]);
        Assert.Equal(13 * 0.0019, MultipleTesting.Adjust(Example, MultipleTestingMethod.Holm)[2], 15);
        Assert.Equal(15 * 0.0001, MultipleTesting.Adjust(Example, MultipleTestingMethod.Bonferroni)[0], 15);
        var c = Enumerable.Range(1, 15).Sum(k => 1.0 / k);
        Assert.Equal(15 * c / 3 * 0.0019, MultipleTesting.Adjust(Example, MultipleTestingMethod.BenjaminiYekutieli)[2], 14);
    }

    [Fact]
    public void Adjusted_values_come_back_in_the_input_order_and_a_bad_p_value_is_named()
    {
        double[] shuffled = [0.0459, 0.0001, 1.0, 0.0095];
        var bh = MultipleTesting.Adjust(shuffled, MultipleTestingMethod.BenjaminiHochberg);
        Assert.Equal([4 / 3.0 * 0.0459, 4 * 0.0001, 1, 4 / 2.0 * 0.0095], bh);
        Assert.Contains("p-value 2 is 1.5", Assert.Throws<ArgumentException>(() => MultipleTesting.Adjust([0.1, 1.5], MultipleTestingMethod.Holm)).Message, StringComparison.Ordinal);
        Assert.Empty(MultipleTesting.Adjust([], MultipleTestingMethod.Bonferroni));
    }
}
