using System.Globalization;
using System.Text;
using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>
/// A missing categorical has its own key in every keyed step (crosses, group statistics, target encodings,
/// history), apart from the real code 0, which the base columns' fill (missing_value 0) would make it collide with.
/// </summary>
public class MissingKeyTests
{
    private const double F71Base = 0.57112147;

    /// <summary>f_4 is 0, missing or 1 in turn; its install rate is 10 %, 60 % and 30 %, and f_71 (in its paper base)
    /// is 1, 3 and 2, so a group's mean of f_71 is that number exactly.</summary>
    private static Frame Rows(int firstDay, int days, int firstRowId)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("f_0\tf_1\tf_4\tf_6\tf_71\tis_clicked\tis_installed\n");
        var id = firstRowId;
        for (var day = firstDay; day < firstDay + days; day++)
        {
            for (var i = 0; i < 90; i++)
            {
                var kind = i % 3;
                var step = i / 3 % 10;
                var installed = kind switch { 0 => step < 1, 1 => step < 6, _ => step < 3 } ? 1 : 0;
                var f4 = kind switch { 0 => "0", 1 => "", _ => "1" };
                var f71 = (kind switch { 0 => 1, 1 => 3, _ => 2 }) * F71Base;
                text.Append(c, $"{id++}\t{day}\t{f4}\t{1 + i / 3 % 2}\t{f71.ToString("R", c)}\t{installed}\t{installed}\n");
            }
        }
        using var dir = new TempDir();
        return FrameReader.Read(dir.Write("t.csv", text.ToString()), new ReadOptions { RequireLabels = true });
    }

    private static readonly FeatureConfig Config = FeatureConfig.Default with
    {
        Crosses = [["f_4", "f_6"]],
        GroupStatistics = new GroupStatisticsConfig { Pairs = [["f_4", "f_71"]] },
        // The authors' prior with N_min 1 adds no pseudo-rows to these 180-row categories: the encoded mean is the rate.
        TargetEncoding = new TargetEncodingConfig { Columns = ["f_4"], MinCount = 1, Prior = BetaPriorRule.Authors },
        History = new HistoryConfig { Keys = ["f_4", "f_4@f_6"] },
    };

    [Fact]
    public void Transform_MissingAndCodeZero_GetDifferentStatisticsInBatchAndRowPaths()
    {
        var pipeline = new FeaturePipeline(Config).Fit(Rows(45, 6, 1));
        var scored = Rows(51, 1, 10_000);
        var batch = pipeline.Transform(scored);
        // Rows 0, 1, 2 of the scored day: f_4 = 0, missing, 1.
        float At(string name, int row) => batch.Column(name)[row];
        Assert.Equal(0f, At("f_4", 0));
        Assert.Equal(0f, At("f_4", 1)); // the base column keeps the paper's fill: missing → 0

        // Group statistics: each group's own mean of f_71, exactly (1 for code 0, 3 for missing, 2 for code 1).
        Assert.Equal(1f, At("f_71_by_f_4_mean", 0));
        Assert.Equal(3f, At("f_71_by_f_4_mean", 1));
        Assert.Equal(2f, At("f_71_by_f_4_mean", 2));

        // Target encoding and history: missing's 60 % install rate above code 0's 10 %.
        Assert.InRange(At("te_is_installed_f_4_mean", 0), 0.05f, 0.2f);
        Assert.InRange(At("te_is_installed_f_4_mean", 1), 0.5f, 0.7f);
        // History's rate has 100 pseudo-rows at the all-keys rate (1/3): (18 + 100/3) / 280 and (108 + 100/3) / 280.
        Assert.Equal((18 + 100 / 3.0) / 280, At("f_4_install_rate_all", 0), 5);
        Assert.Equal((108 + 100 / 3.0) / 280, At("f_4_install_rate_all", 1), 5);
        // The pairs (0, 1) and (missing, 1): 90 rows each, 18 and 54 installs.
        Assert.Equal((18 + 100 / 3.0) / 190, At("f_4@f_6_install_rate_all", 0), 5);
        Assert.Equal((54 + 100 / 3.0) / 190, At("f_4@f_6_install_rate_all", 1), 5);
        // Crosses: (missing, f_6) is its own pair, not (0, f_6).
        Assert.NotEqual(At("f_4@f_6", 0), At("f_4@f_6", 1));

        var rows = pipeline.CreateRowTransform();
        var raw = new RawRow(rows.Schema);
        var scratch = rows.CreateScratch();
        var features = new float[rows.Width];
        for (var r = 0; r < scored.RowCount; r++)
        {
            raw.CopyFrom(scored, r);
            rows.Transform(raw, scratch, features);
            for (var j = 0; j < features.Length; j++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(batch.Column(j)[r]) == BitConverter.SingleToInt32Bits(features[j]), $"row {r}, {batch.Names[j]}: per-row {features[j]:R}, batch {batch.Column(j)[r]:R}");
            }
        }
    }

    [Fact]
    public void FitTransform_MissingAndCodeZero_AreEncodedApartOutOfFold()
    {
        var frame = Rows(45, 6, 1);
        var (_, features) = new FeaturePipeline(Config).FitTransform(frame);
        var te = features.Column("te_is_installed_f_4_mean");
        var f4 = frame.Categorical("f_4");
        double zero = 0, missing = 0;
        for (var r = 0; r < frame.RowCount; r++)
        {
            if (f4.ValueAt(r) is null) { missing += te[r]; }
            else if (f4.ValueAt(r) == 0) { zero += te[r]; }
        }
        var perKind = frame.RowCount / 3.0;
        Assert.InRange(zero / perKind, 0.05, 0.2);
        Assert.InRange(missing / perKind, 0.5, 0.7);
    }
}
