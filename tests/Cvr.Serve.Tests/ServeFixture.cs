using System.Globalization;
using System.Text;
using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Serve.Tests;

/// <summary>
/// Generated data, two bundles trained on it (A, and B with fewer rounds, so their scores differ) and the
/// submission <c>cvr predict</c> writes for A (through <see cref="Workflow.Predict"/>, the command's body), shared
/// by a test class.
/// </summary>
public class ServeFixture : IDisposable
{
    public ServeFixture() : this(new GeneratorOptions(Scale: 0.003, Seed: 3), members: [])
    {
    }

    /// <param name="members">Ensemble members both bundles train, by their kinds in <paramref name="kinds"/>.</param>
    protected ServeFixture(GeneratorOptions generator, IReadOnlyList<string> members, EnsembleMemberKinds? kinds = null)
    {
        _members = members;
        Kinds = kinds ?? EnsembleMemberKinds.Empty;
        Directory = new TempDir();
        Data = Directory.File("data");
        SyntheticData.Generate(Data, generator);
        var data = new DataSetOptions { UseCache = false };
        BundleA = Directory.File("bundle-a");
        BundleB = Directory.File("bundle-b");
        Workflow.Train(Data, BundleA, Options(rounds: 20), data, NullLogger.Instance, new PhaseTimer(), CancellationToken.None, kinds: Kinds);
        Workflow.Train(Data, BundleB, Options(rounds: 6), data, NullLogger.Instance, new PhaseTimer(), CancellationToken.None, kinds: Kinds);
        SubmissionA = Read(Predict(BundleA, "a.csv"));
        SubmissionB = Read(Predict(BundleB, "b.csv"));
        var lines = File.ReadAllLines(System.IO.Directory.GetFiles(Path.Combine(Data, "test"))[0]);
        Header = lines[0].Split('\t');
        TestRows = lines[1..];
    }

    private readonly IReadOnlyList<string> _members;

    /// <summary>The member kinds the bundles were trained with, and that load and serve them.</summary>
    public EnsembleMemberKinds Kinds { get; }

    internal TempDir Directory { get; }

    /// <summary>A file of the bundles that a test corrupts (a model of every bundle of this fixture).</summary>
    public virtual string ModelFile => "e2e.txt";

    public string Data { get; }

    public string BundleA { get; }

    public string BundleB { get; }

    /// <summary>RowId → (is_clicked, is_installed) as <c>cvr predict</c> wrote them.</summary>
    public IReadOnlyDictionary<long, (double Clicked, double Installed)> SubmissionA { get; }

    public IReadOnlyDictionary<long, (double Clicked, double Installed)> SubmissionB { get; }

    public string[] Header { get; }

    /// <summary>The test day's lines as the generator wrote them (TAB-separated, empty = missing).</summary>
    public string[] TestRows { get; }

    /// <summary>A test line as a JSON instance, each value's text as it is in the file (empty → null).</summary>
    public string Instance(int row)
    {
        var values = TestRows[row].Split('\t');
        var json = new StringBuilder("{");
        for (var c = 0; c < Header.Length; c++)
        {
            json.Append(c == 0 ? "" : ",").Append('"').Append(Header[c]).Append("\":").Append(values[c].Length == 0 ? "null" : values[c]);
        }
        return json.Append('}').ToString();
    }

    public long RowId(int row) => long.Parse(TestRows[row].AsSpan(0, TestRows[row].IndexOf('\t')), CultureInfo.InvariantCulture);

    public static string Request(params string[] instances) => "{\"instances\":[" + string.Join(',', instances) + "]}";

    /// <summary>A copy of a bundle in a fresh folder, to be served and replaced by a test.</summary>
    public string Copy(string bundle, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.GetFiles(bundle)) { File.Copy(file, Path.Combine(target, Path.GetFileName(file))); }
        return target;
    }

    /// <summary>Replaces <paramref name="served"/> with a copy of <paramref name="bundle"/> as <c>cvr train</c> does:
    /// built in a sibling, the old folder moved aside, the new one moved in, the old deleted.</summary>
    public void ReplaceAtomically(string served, string bundle, Action<string>? edit = null)
    {
        var temp = Copy(bundle, served + ".new-" + Guid.NewGuid().ToString("N")[..8]);
        edit?.Invoke(temp);
        var aside = served + ".old-" + Guid.NewGuid().ToString("N")[..8];
        System.IO.Directory.Move(served, aside);
        System.IO.Directory.Move(temp, served);
        System.IO.Directory.Delete(aside, recursive: true);
    }

    private TrainingOptions Options(int rounds) => new()
    {
        MaxRounds = rounds, EarlyStoppingRounds = 5, Threads = 1, ClickModel = true, Members = _members,
        // Selected explicitly: the preset selects only from 250,000 training rows, and the served bundles must carry
        // a keep list so the per-row path is checked on a pruned pipeline, as users' larger bundles are.
        SelectFeatures = 0.99,
    };

    private string Predict(string bundle, string name)
    {
        var path = Directory.File(name);
        Workflow.Predict(bundle, Data, path, new DataSetOptions { UseCache = false }, NullLogger.Instance, new PhaseTimer(), Kinds);
        return path;
    }

    private static Dictionary<long, (double, double)> Read(string submission)
    {
        var result = new Dictionary<long, (double, double)>();
        foreach (var line in File.ReadLines(submission).Skip(1))
        {
            var f = line.Split('\t');
            result[long.Parse(f[0], CultureInfo.InvariantCulture)] = (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
        }
        return result;
    }

    public void Dispose()
    {
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same, with the multi-task deep model (MMOE) as a third ensemble member of both bundles.</summary>
public sealed class MmoeServeFixture : ServeFixture
{
    // The data of the deep model's own member tests, where the fitted weights give it a share (asserted).
    public MmoeServeFixture() : base(new GeneratorOptions(Scale: 0.004, Seed: 5), [Deep.MmoeKind.KindName],
        new EnsembleMemberKinds(new Deep.MmoeKind(new Deep.MmoeOptions { Experts = 2, ExpertUnits = 16, TowerUnits = 8, MaxEpochs = 3, BatchSize = 512 })))
    {
    }

    public override string ModelFile => "mmoe.weights";
}
