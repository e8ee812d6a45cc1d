using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;

namespace Cvr.Tests.Data;

/// <summary>How a rank of a data-parallel job builds its frame from parts: <see cref="Frame.Concat"/> and the rows'
/// exchanged form (<see cref="FrameRows"/>).</summary>
public class FrameConcatTests
{
    private static Frame Generated(TempDir dir, int shards = 3)
    {
        SyntheticData.Generate(dir.File("data"), new GeneratorOptions(Scale: 0.002, Seed: 5, TrainShards: shards));
        return DataSet.Load(dir.File("data"), new DataSetOptions { UseCache = false }).Train;
    }

    [Fact]
    public void Concat_ContiguousParts_IsTheWholeFrame_ValueForValueAndCodeForCode()
    {
        using var dir = new TempDir();
        var frame = Generated(dir);
        int[] cuts = [0, 100, 101, 2_000, frame.RowCount];
        var parts = cuts.Zip(cuts.Skip(1)).Select(c => frame.Select([.. Enumerable.Range(c.First, c.Second - c.First)], keepLabels: true)).ToArray();

        var joined = Frame.Concat(parts);

        // The fingerprint reads every value, every code and every level.
        Assert.Equal(ModelBundle.Fingerprint(frame), ModelBundle.Fingerprint(joined));
    }

    [Fact]
    public void Concat_ShardsReadApart_IsTheFrameReadWhole()
    {
        using var dir = new TempDir();
        var whole = Generated(dir);
        var options = new DataSetOptions { UseCache = false };
        var parts = Enumerable.Range(0, 3).Select(r => DataSet.Load(dir.File("data"), options with { TrainShards = s => RankShards.Assign(s, r, 3) }).Train).ToArray();

        Assert.Equal(ModelBundle.Fingerprint(whole), ModelBundle.Fingerprint(Frame.Concat(parts)));
        Assert.All(parts, p => Assert.True(p.RowCount < whole.RowCount));
    }

    [Fact]
    public void Concat_FramesOfOtherSchemas_Refused()
    {
        using var dir = new TempDir();
        var frame = Generated(dir);
        var e = Assert.Throws<ArgumentException>(() => Frame.Concat([frame, frame.Select([0, 1], keepLabels: false)]));
        Assert.StartsWith("frames of different schemas can't be joined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FrameRows_RoundTrip_GivesTheSameFrame()
    {
        using var dir = new TempDir();
        var frame = Generated(dir);
        var rows = frame.Select([.. Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] == 66)], keepLabels: true);

        var read = FrameRows.Read(FrameRows.Serialise(rows), rows.Schema, "rank 1's rows");

        Assert.Equal(ModelBundle.Fingerprint(rows), ModelBundle.Fingerprint(read));
    }

    [Fact]
    public void FrameRows_OfAnotherSchema_RefusedNamingTheColumn()
    {
        using var dir = new TempDir();
        var frame = Generated(dir);
        var bytes = FrameRows.Serialise(frame.Select([0, 1, 2], keepLabels: true));

        var e = Assert.Throws<InvalidDataException>(() => FrameRows.Read(bytes, frame.Schema.WithoutLabels(), "rank 1's rows"));

        Assert.Contains("the partial state of rank 1's rows", e.Message, StringComparison.Ordinal);
    }
}
