using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>A bundle folder as <see cref="ModelBundleLoader.Open"/> read it: its verified files, its manifest and its
/// fitted features, each parsed once.</summary>
internal sealed record OpenedBundle(VerifiedFiles Files, string ManifestPath, BundleManifest Manifest, FittedFeaturePipeline Pipeline);
