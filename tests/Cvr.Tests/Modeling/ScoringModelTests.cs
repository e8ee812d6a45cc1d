using System.Reflection;
using System.Security.Cryptography;
using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

[Trait("Category", "LightGbm")]
public class ScoringModelTests(TrainedFixture fixture) : IClassFixture<TrainedFixture>
{
    [Fact]
    public void Load_ThreeCopies_ShareOnePipelineAndTheMembers_EachOwnsItsBoosters()
    {
        using var model = ScoringModel.Load(fixture.ModelDir, boosterCopies: 3);
        Assert.Equal(3, model.Copies.Count);
        // One parse of features.json, shared read-only; one load of the members.
        Assert.All(model.Copies, c => Assert.Same(model.Pipeline, c.Pipeline));
        Assert.All(model.Copies, c => Assert.Same(model.Members, c.Members));
        // A booster per copy and model name: no two copies share one.
        var boosters = model.Copies.SelectMany(c => c.Boosters.Values).ToArray();
        Assert.Equal(3 * model.Manifest.Models.Count, boosters.Distinct().Count());
    }

    [Fact]
    public void Load_EveryCopy_ScoresEachTestRowAsTheBatchDoes()
    {
        var (system, _) = ModelBundleLoader.Load(fixture.ModelDir);
        using (system)
        {
            var test = Test();
            var expected = system.Score(test).Ensemble;
            using var model = ScoringModel.Load(fixture.ModelDir, boosterCopies: 2);
            foreach (var copy in model.Copies)
            {
                using var scorer = new RowScorer(copy);
                var row = scorer.CreateRow();
                for (var i = 0; i < test.RowCount; i++)
                {
                    row.CopyFrom(test, i);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(scorer.Score(row).Installed));
                }
            }
        }
    }

    [Fact]
    public void LoadBoosters_ModelFileReplacedAfterTheCheck_LoadsWhatWasVerified()
    {
        // Copies of the boosters come from the bytes the check read, never from the folder again: a model file
        // swapped after the check (here for text LightGBM can't read) is not what gets scored.
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var bundle = ModelBundleLoader.Open(copy);
        File.WriteAllText(Path.Combine(copy, "like.txt"), "tampered after the check");
        var first = ModelBundleLoader.LoadBoosters(bundle);
        var second = ModelBundleLoader.LoadBoosters(bundle);
        try
        {
            Assert.Equal(first[ModelNames.Like].SaveToString(), second[ModelNames.Like].SaveToString());
            Assert.Equal(bundle.Files.Text("like.txt"), first[ModelNames.Like].SaveToString(), ignoreLineEndingDifferences: true);
        }
        finally
        {
            foreach (var b in first.Values.Concat(second.Values)) { b.Dispose(); }
        }
    }

    [Fact]
    public void BundleHash_IsTheSha256OfTheVerifiedSha256Sums()
    {
        using var model = ScoringModel.Load(fixture.ModelDir);
        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.ModelDir, "SHA256SUMS"))));
        Assert.Equal(expected, model.BundleHash);
    }

    [Fact]
    public void ScoringModel_ReachesNoTrainingOptionsNorDaySplit()
    {
        // Every type reachable through public properties (collections' element types included): serving carries no
        // training state.
        var seen = new HashSet<Type>();
        var path = new Dictionary<Type, string> { [typeof(ScoringModel)] = nameof(ScoringModel) };
        var queue = new Queue<Type>([typeof(ScoringModel)]);
        while (queue.TryDequeue(out var type))
        {
            if (!seen.Add(type)) { continue; }
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var reached in Expand(property.PropertyType))
                {
                    path.TryAdd(reached, path[type] + "." + property.Name);
                    queue.Enqueue(reached);
                }
            }
        }
        Assert.DoesNotContain(typeof(TrainingOptions), seen);
        Assert.DoesNotContain(typeof(DaySplit), seen);
        Assert.Contains(typeof(BundleManifest), seen); // the walk does reach the manifest

        static IEnumerable<Type> Expand(Type type)
        {
            if (type.HasElementType) { return Expand(type.GetElementType()!); }
            var args = type.IsGenericType ? type.GetGenericArguments().SelectMany(Expand) : [];
            return type.Namespace?.StartsWith("Cvr", StringComparison.Ordinal) == true ? args.Append(type) : args;
        }
    }

    private Frame Test() => DataSet.ReadSplit(fixture.DataDir, Path.Combine(fixture.DataDir, DataSet.TestFolder), requireLabels: false, fixture.DataOptions, NullLogger.Instance);

    private static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) { File.Copy(file, Path.Combine(to, Path.GetFileName(file))); }
        return to;
    }
}
