using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;

namespace Cvr.Deep;

/// <summary>
/// The MMOE's per-row path for one thread: a row's fitted features (and its raw values, which tell a missing base
/// column apart from the pipeline's fill value) encoded by the encoder's own per-element functions, then the
/// network's forward pass (<see cref="MmoeForward"/>), which batch scoring runs per row too: the same bits as
/// <see cref="MmoeModel.PredictInstall(Frame, int[], FeatureMatrix)"/>. No allocation per row.
/// </summary>
internal sealed class MmoeRowScorer : IMemberRowScorer
{
    private readonly MmoeModel _model;
    private readonly int[] _categoricalColumns, _numericColumns;

    /// <summary>Per numeric input, its raw column in the row, or −1.</summary>
    private readonly int[] _rawColumns;
    private readonly int[] _categories;
    private readonly float[] _numerics;
    private readonly MmoeForward.Scratch _scratch;

    /// <exception cref="ModelBundleException">An input of the model is not among the features or the row's columns.</exception>
    public MmoeRowScorer(MmoeModel model, IReadOnlyList<string> featureNames, Schema rowSchema)
    {
        _model = model;
        (_categoricalColumns, _numericColumns) = model.Inputs.ColumnsIn(featureNames);
        _rawColumns = model.Inputs.Numerics.Select(n => n.RawColumn is null ? -1 : rowSchema.IndexOf(n.RawColumn) is >= 0 and var c ? c
            : throw new ModelBundleException($"the deep model reads the raw column {n.RawColumn}, which is not one of the row's columns")).ToArray();
        _categories = new int[_categoricalColumns.Length];
        _numerics = new float[model.Inputs.NumericWidth];
        _scratch = model.Scoring.CreateScratch();
    }

    public double PredictInstall(RawRow row, ReadOnlySpan<float> features)
    {
        var inputs = _model.Inputs;
        for (var c = 0; c < _categories.Length; c++)
        {
            _categories[c] = MmoeInputEncoder.Category(inputs.Categoricals[c], features[_categoricalColumns[c]]);
        }
        var slot = 0;
        for (var k = 0; k < _numericColumns.Length; k++)
        {
            var input = inputs.Numerics[k];
            var value = features[_numericColumns[k]];
            var missing = float.IsNaN(value) || (_rawColumns[k] >= 0 && float.IsNaN(row.Number(_rawColumns[k])));
            MmoeInputEncoder.Standardise(input, value, missing, _numerics.AsSpan(slot));
            slot += input.Indicator ? 2 : 1;
        }
        return _model.Scoring.Forward(_categories, _numerics, _scratch).Install(_model.Summary.Head);
    }
}
