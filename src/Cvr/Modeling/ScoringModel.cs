using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// A bundle loaded to score, as <c>cvr serve</c> holds it: the folder read and verified once
/// (<see cref="ModelBundleLoader.Open"/>), one fitted pipeline and one set of ensemble members shared read-only, and
/// any number of copies of the boosters (<see cref="Copies"/>), each made in memory from the verified model texts. No
/// training state: the training options and the day split stay in the bundle for the batch side
/// (<see cref="TrainedSystem"/>); what serving reports of them is manifest data (<see cref="Manifest"/>).
/// </summary>
/// <remarks>
/// Why copies: LightGBM keeps one single-row state per booster, so threads scoring on one booster take turns
/// (<see cref="SingleRowPredictor"/>); a copy per concurrent user (a lane of <c>cvr serve</c>) never waits. The
/// pipeline and the members need no copy: the pipeline is immutable once fitted, and a member serves any number of
/// per-row scorers at once (<see cref="IEnsembleMember.CreateRowScorer"/>).
/// </remarks>
public sealed class ScoringModel : IDisposable
{
    private readonly IReadOnlyList<Dictionary<string, Booster>> _boosters;

    private ScoringModel(OpenedBundle bundle, IReadOnlyList<Dictionary<string, Booster>> boosters, IReadOnlyList<TrainedMember> members)
    {
        Manifest = bundle.Manifest;
        BundleHash = bundle.Files.SumsHash;
        Pipeline = bundle.Pipeline;
        Members = members;
        _boosters = boosters;
        Copies = [.. boosters.Select(b => new ScoringSet(Pipeline, b, Manifest.OmegaTs, Manifest.OmegaE2e, Manifest.EnsembleWeight, members))];
    }

    /// <summary>What the bundle's manifest says of its models (versions, data fingerprint, day split summary, ω,
    /// weights, per model its best iteration and validation loss).</summary>
    public BundleManifest Manifest { get; }

    /// <summary>SHA-256 of the bundle's SHA256SUMS as verified: one value that changes with any file of the bundle.</summary>
    public string BundleHash { get; }

    /// <summary>The fitted features, parsed once and shared by every copy.</summary>
    public FittedFeaturePipeline Pipeline { get; }

    /// <summary>The ensemble members, loaded once and shared by every copy.</summary>
    public IReadOnlyList<TrainedMember> Members { get; }

    /// <summary>The day the bundle was validated on: a day the fitted features know, for a self-check row.</summary>
    public int ValidationDay => Manifest.Split.ValidationDay;

    /// <summary>One scoring set per copy of the boosters, in load order; all share <see cref="Pipeline"/> and <see cref="Members"/>.</summary>
    public IReadOnlyList<ScoringSet> Copies { get; }

    /// <summary>Reads and verifies the bundle in <paramref name="directory"/> once and makes
    /// <paramref name="boosterCopies"/> copies of its boosters; its ensemble members are reloaded by their kinds of
    /// <paramref name="kinds"/> (none when null).</summary>
    /// <exception cref="ModelBundleException">The folder is not a bundle of this version, a file fails its check, or a
    /// member's kind is not among <paramref name="kinds"/>.</exception>
    public static ScoringModel Load(string directory, int boosterCopies = 1, EnsembleMemberKinds? kinds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(boosterCopies, 1);
        var bundle = ModelBundleLoader.Open(directory);
        var copies = new List<Dictionary<string, Booster>>(boosterCopies);
        List<TrainedMember>? members = null;
        try
        {
            for (var i = 0; i < boosterCopies; i++) { copies.Add(ModelBundleLoader.LoadBoosters(bundle)); }
            members = ModelBundleLoader.LoadMembers(bundle, kinds ?? EnsembleMemberKinds.Empty);
            return new ScoringModel(bundle, copies, members);
        }
        catch
        {
            Dispose(copies, members ?? []);
            throw;
        }
    }

    public void Dispose() => Dispose(_boosters, Members);

    private static void Dispose(IEnumerable<Dictionary<string, Booster>> copies, IEnumerable<TrainedMember> members)
    {
        foreach (var booster in copies.SelectMany(c => c.Values)) { booster.Dispose(); }
        foreach (var member in members) { member.Model.Dispose(); }
    }
}
