using System.Text.Json;

namespace Cvr.Tests.Data.Synthetic;

/// <summary>Statistics of a generated data set (scale 0.02) against docs/data-format.md.</summary>
public sealed class SyntheticDataTests(GeneratedData data) : IClassFixture<GeneratedData>
{
    /// <summary>data-format.md's rows per day 45..66, copied here so that the test does not trust the generator.</summary>
    private static readonly int[] RealRowsPerDay =
    [
        140206, 234077, 220135, 142226, 191145, 214404, 136566, 165538, 121879, 118980, 159477,
        187460, 179008, 121408, 153996, 134746, 136206, 210448, 136202, 136762, 147011, 97972,
    ];

    private static readonly int[] AdBlock = [43, 51, 58, 59, 64, 65, 66, 67, 68, 69, 70];

    [Fact]
    public void Generate_SmallScale_WritesChallengeLayoutAndHeaders()
    {
        var expected = Enumerable.Range(0, 80).Select(c => $"f_{c}").ToArray();
        Assert.Equal([.. expected, "is_clicked", "is_installed"], data.TrainHeader);
        Assert.Equal(expected, data.TestHeader);
        Assert.All(data.Train, r => Assert.Equal(82, r.Fields.Length));
        Assert.All(data.Test, r => Assert.Equal(80, r.Length));
        Assert.Equal("RowId\tp_like\tp_install_given_like\tp_installed\tp_clicked", data.TrainTruthHeader);
        Assert.Equal("RowId\tis_clicked\tis_installed\tp_like\tp_install_given_like\tp_installed\tp_clicked", data.TestTruthHeader);
        Assert.Equal(["000000000000.csv", "000000000001.csv"],
            Directory.GetFiles(Path.Combine(data.Summary.OutputDirectory, "train")).Select(f => Path.GetFileName(f)).Order().ToArray());
    }

    [Fact]
    public void Generate_SmallScale_RowsPerDayMatchScaledTable()
    {
        var perDay = data.Train.GroupBy(r => int.Parse(r.Fields[1])).ToDictionary(g => g.Key, g => g.Count());
        for (int k = 0; k < RealRowsPerDay.Length; k++)
            Assert.Equal((int)Math.Round(RealRowsPerDay[k] * GeneratedData.Scale), perDay[45 + k]);
        Assert.Equal(22, perDay.Count);
        Assert.Equal((int)Math.Round(160973 * GeneratedData.Scale), data.Test.Count);
        Assert.All(data.Test, r => Assert.Equal("67", r[1]));
    }

    [Fact]
    public void Generate_SmallScale_RowIdsAreConsecutiveFromOne()
    {
        Assert.Equal(Enumerable.Range(1, data.Train.Count), data.Train.Select(r => int.Parse(r.Fields[0])));
        Assert.Equal(Enumerable.Range(1, data.Test.Count), data.Test.Select(r => int.Parse(r[0])));
    }

    [Fact]
    public void Generate_SmallScale_EveryShardMixesDays()
    {
        Assert.True(data.TrainFileCount >= 2);
        foreach (var shard in data.Train.GroupBy(r => r.Shard))
            Assert.True(shard.Select(r => r.Fields[1]).Distinct().Count() >= 20, $"shard {shard.Key} holds few days");
    }

    [Fact]
    public void Generate_SmallScale_LabelJointMatchesRealShares()
    {
        double n = data.Train.Count;
        double Share(string click, string install) =>
            data.Train.Count(r => r.Fields[80] == click && r.Fields[81] == install) / n;
        Assert.InRange(Share("0", "0"), 0.6773 - 0.012, 0.6773 + 0.012);
        Assert.InRange(Share("1", "0"), 0.1487 - 0.012, 0.1487 + 0.012);
        Assert.InRange(Share("0", "1"), 0.1029 - 0.012, 0.1029 + 0.012);
        Assert.InRange(Share("1", "1"), 0.0711 - 0.012, 0.0711 + 0.012);
    }

    [Fact]
    public void Generate_SmallScale_BinaryIsOneExactlyWhenItsCountIsPositive()
    {
        foreach (var fields in data.Train.Select(r => r.Fields).Concat(data.Test))
            for (int k = 0; k < 9; k++)
                Assert.Equal(GeneratedData.D(fields[71 + k]) > 0 ? "1" : "0", fields[33 + k]);
    }

    [Fact]
    public void Generate_SmallScale_CountsAreWholeMultiplesOfTheirBase()
    {
        var bases = new Dictionary<int, decimal>();
        foreach (int c in new[] { 42, 52, 53, 54, 55, 56, 57, 74, 75, 76 }) bases[c] = 0.03856407m;
        foreach (int c in new[] { 44, 45, 46, 47, 48, 49, 50, 71, 72, 73 }) bases[c] = 0.57112147m;
        bases[60] = 8.07946039m;
        bases[61] = 0.147850899m;
        bases[62] = 0.129299709m;
        bases[63] = 0.355221093m;
        foreach (int c in new[] { 77, 78, 79 }) bases[c] = 37.38457512m;
        foreach (var fields in data.Train.Select(r => r.Fields).Concat(data.Test))
            foreach (var (c, b) in bases)
            {
                decimal value = decimal.Parse(fields[c], System.Globalization.CultureInfo.InvariantCulture);
                decimal count = Math.Round(value / b);
                Assert.Equal(value, count * b);
                Assert.Equal(fields[c], GeneratedData.D(fields[c]).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
    }

    [Fact]
    public void Generate_SmallScale_MissingOnlyInItsBlocksAtRealRates()
    {
        static (double F30, double Block) Check(IReadOnlyList<string[]> rows)
        {
            int f30 = 0, block = 0;
            foreach (var f in rows)
            {
                Assert.Equal(f[30] == "", f[31] == "");
                bool blockMissing = f[43] == "";
                Assert.All(AdBlock, c => Assert.Equal(blockMissing, f[c] == ""));
                for (int c = 0; c < 80; c++)
                    if (c is not 30 and not 31 && !AdBlock.Contains(c)) Assert.NotEqual("", f[c]);
                f30 += f[30] == "" ? 1 : 0;
                block += blockMissing ? 1 : 0;
            }
            return (f30 / (double)rows.Count, block / (double)rows.Count);
        }
        var train = Check(data.Train.Select(r => r.Fields).ToList());
        var test = Check(data.Test);
        Assert.InRange(train.F30, 0.478 - 0.015, 0.478 + 0.015);
        Assert.InRange(train.Block, 0.052 - 0.006, 0.052 + 0.006);
        Assert.InRange(test.F30, 0.273 - 0.03, 0.273 + 0.03);
        Assert.InRange(test.Block, 0.061 - 0.015, 0.061 + 0.015);
        double presentZero = data.Train.Count(r => r.Fields[30] == "0") / (double)data.Train.Count(r => r.Fields[30] != "");
        Assert.True(presentZero > 0.99, $"f_30 present and 0 in {presentZero:P2}");
    }
}
