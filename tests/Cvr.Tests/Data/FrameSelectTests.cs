using Cvr.Data;
using Cvr.Data.Synthetic;

namespace Cvr.Tests.Data;

public class FrameSelectTests
{
    [Fact]
    public void Select_KeepsTheRowsValues_AndOnlyTheirLevels()
    {
        using var dir = new TempDir();
        SyntheticData.Generate(dir.File("data"), new GeneratorOptions(Scale: 0.002, Seed: 3));
        var frame = DataSet.Load(dir.File("data"), new DataSetOptions { UseCache = false }).Train;
        var rows = Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] == frame.Days.Max()).Reverse().ToArray();

        var labelled = frame.Select(rows, keepLabels: true);
        var unlabelled = frame.Select(rows, keepLabels: false);

        Assert.Equal(rows.Select(r => frame.RowIds[r]), labelled.RowIds);
        Assert.True(labelled.HasLabels);
        Assert.False(unlabelled.HasLabels);
        Assert.False(unlabelled.Schema.HasLabels);
        Assert.Equal(rows.Select(r => frame.Label(Schema.InstallLabel).Values[r]), labelled.Label(Schema.InstallLabel).Values);
        foreach (var column in frame.Categoricals)
        {
            var selected = labelled.Categorical(column.Name);
            Assert.Equal(rows.Select(column.ValueAt), Enumerable.Range(0, rows.Length).Select(selected.ValueAt));
            Assert.Equal(rows.Select(column.ValueAt).OfType<int>().Distinct().Order(), selected.Levels); // sorted, only the rows' own
        }
        foreach (var column in frame.Numerics)
        {
            Assert.Equal(rows.Select(r => column.Values[r]), labelled.Numeric(column.Name).Values);
        }
    }
}
