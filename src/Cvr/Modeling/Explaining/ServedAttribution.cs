using Cvr.LightGbm;

namespace Cvr.Modeling.Explaining;

/// <summary>
/// The served probability (<c>is_installed</c>) split exactly into a base, one share per feature and one term per
/// ensemble member that is not a booster (reported whole and unexplained):
/// <c>Base + Σ Values + Σ Members = Value</c> (to rounding, ~1e-15).
/// </summary>
/// <param name="Value">The served probability, as <c>cvr predict</c> writes it.</param>
/// <param name="Base">The blend with every booster at its expected value (LightGBM's SHAP base value), members excluded.</param>
/// <param name="Values">Per model input (matrix order), its share of <c>Value − Base − Σ Members</c>.</param>
/// <param name="Members">Per member, its weight × its calibrated probability.</param>
public sealed record ServedAttribution(double Value, double Base, double[] Values, IReadOnlyDictionary<string, double> Members);

/// <summary>
/// Attributes the served probability to the model inputs through the boosters' TreeSHAP contributions.
/// </summary>
/// <remarks>
/// The ensemble serves P = w_ts·C_ts(σ(z_like)·σ(z_install)) + w_e2e·C_e2e(σ(z_e2e)) + Σ w_m·C_m(p_m), where z is a
/// booster's raw score (its expected value e plus its contributions φ), σ the binary link and C a calibration with ω.
/// Each booster moves P from where it would be with z = e; that move is handed to the booster's features in
/// proportion to their φ (the rescale rule of DeepLIFT, Shrikumar et al. 2017: feature j of booster b gets
/// φ_j · Δ_b / Σφ). For Model_e2e, Δ_e2e = w_e2e·(C_e2e(σ(z_e2e)) − C_e2e(σ(e_e2e))). Model_ts's term depends on two
/// boosters jointly, so its move is first split between like and install by their two-player Shapley value
/// (the mean of each one's effect with the other at its expected value and at its score). A feature's share is the
/// sum over like, install and e2e. The shares add up to exactly the boosters' move, every share has the sign of its
/// φ (each term rises with each raw score), and a booster whose φ sum to exactly 0 passes no share (its move is 0).
/// The click model is not part of <c>is_installed</c>; members have no TreeSHAP and stay one term each.
/// </remarks>
internal sealed class ServedAttributor
{
    private readonly BinaryLink _like, _install, _e2e;
    private readonly ScoringSet _scoring;

    public ServedAttributor(ScoringSet scoring, BinaryLink like, BinaryLink install, BinaryLink e2e)
    {
        _scoring = scoring;
        (_like, _install, _e2e) = (like, install, e2e);
    }

    /// <param name="value">The served probability.</param>
    /// <param name="like">Model_like's contributions, the expected value last (LightGBM's layout); likewise
    /// <paramref name="install"/> and <paramref name="e2e"/>.</param>
    /// <param name="members">The members' calibrated probabilities, in <see cref="ScoringSet.Members"/> order.</param>
    public ServedAttribution Attribute(double value, ReadOnlySpan<double> like, ReadOnlySpan<double> install, ReadOnlySpan<double> e2e, ReadOnlySpan<double> members)
    {
        var (el, dl) = Split(like);
        var (ei, di) = Split(install);
        var (ee, de) = Split(e2e);
        var (zl, zi, ze) = (el + dl, ei + di, ee + de);
        var t00 = Ts(el, ei);
        var t10 = Ts(zl, ei);
        var t01 = Ts(el, zi);
        var t11 = Ts(zl, zi);
        var e2eBase = E2e(ee);
        var (sl, si, se) = (
            Slope(0.5 * ((t10 - t00) + (t11 - t01)), dl),
            Slope(0.5 * ((t01 - t00) + (t11 - t10)), di),
            Slope(E2e(ze) - e2eBase, de));
        var values = new double[like.Length - 1];
        for (var j = 0; j < values.Length; j++) { values[j] = sl * like[j] + si * install[j] + se * e2e[j]; }
        var terms = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var m = 0; m < members.Length; m++)
        {
            var member = _scoring.Members[m];
            terms[member.Model.Name] = member.Weight * members[m];
        }
        return new ServedAttribution(value, t00 + e2eBase, values, terms);
    }

    private double Ts(double like, double install)
        => _scoring.EnsembleWeight * Calibration.Apply(_like.Probability(like) * _install.Probability(install), _scoring.OmegaTs);

    private double E2e(double raw) => _scoring.E2eWeight * Calibration.Apply(_e2e.Probability(raw), _scoring.OmegaE2e);

    /// <summary>The expected value (last) and the sum of the contributions, in feature order.</summary>
    private static (double Expected, double Sum) Split(ReadOnlySpan<double> contributions)
    {
        var sum = 0.0;
        foreach (var c in contributions[..^1]) { sum += c; }
        return (contributions[^1], sum);
    }

    private static double Slope(double move, double sum) => sum == 0 ? 0 : move / sum;
}
