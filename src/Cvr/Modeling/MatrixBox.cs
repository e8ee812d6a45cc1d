using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// Owns a feature matrix until someone takes it (once), so that no stack slot of the caller keeps the 2.4 GB (at
/// scale 1.0) array alive once LightGBM has binned it: the JIT may report a dead tuple local as live for a whole
/// method, which kept it resident through every model.
/// </summary>
internal sealed class MatrixBox(FeatureMatrix matrix)
{
    private FeatureMatrix? _matrix = matrix;

    public FeatureMatrix Take()
    {
        var taken = _matrix ?? throw new InvalidOperationException("the feature matrix was already taken");
        _matrix = null;
        return taken;
    }
}
