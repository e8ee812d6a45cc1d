using Cvr.Data;

namespace Cvr.Tests.Analysis;

/// <summary>Hand-made frames: columns given as raw values (null = missing), encoded the way the reader encodes them.</summary>
internal sealed class TestFrameBuilder(int[] days)
{
    private readonly List<ColumnSpec> _specs = [new(Schema.RowIdColumn, ColumnKind.RowId), new(Schema.DayColumn, ColumnKind.Day)];
    private readonly List<CategoricalColumn> _categoricals = [];
    private readonly List<NumericColumn> _numerics = [];
    private readonly List<LabelColumn> _labels = [];

    public TestFrameBuilder Categorical(string name, params int?[] values)
    {
        var raw = values.Select(v => v ?? FrameBuilder.MissingCategory).ToArray();
        var levels = FrameBuilder.EncodeInPlace(raw);
        _specs.Add(new ColumnSpec(name, ColumnKind.Categorical));
        _categoricals.Add(new CategoricalColumn(name, raw, levels));
        return this;
    }

    public TestFrameBuilder Numeric(string name, params double[] values)
    {
        var kind = Schema.KindOf(name) ?? ColumnKind.Numeric;
        _specs.Add(new ColumnSpec(name, kind));
        _numerics.Add(new NumericColumn(name, kind, values.Select(v => (float)v).ToArray()));
        return this;
    }

    public TestFrameBuilder Labels(byte[] clicked, byte[] installed)
    {
        _specs.Add(new ColumnSpec(Schema.ClickLabel, ColumnKind.Label));
        _specs.Add(new ColumnSpec(Schema.InstallLabel, ColumnKind.Label));
        _labels.Add(new LabelColumn(Schema.ClickLabel, clicked));
        _labels.Add(new LabelColumn(Schema.InstallLabel, installed));
        return this;
    }

    public Frame Build()
    {
        var ids = Enumerable.Range(1, days.Length).Select(i => (long)i).ToArray();
        return new Frame(new Schema(_specs), ids, days, _categoricals, _numerics, _labels);
    }
}
