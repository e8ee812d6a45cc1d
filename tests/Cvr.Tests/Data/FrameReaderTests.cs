using Cvr.Data;

namespace Cvr.Tests.Data;

public class FrameReaderTests
{
    private static Frame Read(string path, bool labels = true, int chunkBytes = ReadOptions.DefaultChunkBytes)
        => FrameReader.Read(path, new ReadOptions { RequireLabels = labels, ChunkBytes = chunkBytes });

    [Fact]
    public void Read_TabSeparatedFile_FillsEveryColumnKind()
    {
        using var dir = new TempDir();
        var frame = Read(dir.Write("train.csv", Samples.Text()));

        Assert.Equal(4, frame.RowCount);
        Assert.Equal([1L, 2, 3, 4], frame.RowIds);
        Assert.Equal([45, 45, 46, 47], frame.Days);
        var f2 = frame.Categorical("f_2");
        Assert.Equal([-3, 7, 100], f2.Levels);
        Assert.Equal([2, 1, 2, 0], f2.Codes);
        Assert.Equal(100, f2.ValueAt(0));
        var f30 = frame.Categorical("f_30");
        Assert.Equal([0, 1], f30.Levels);
        Assert.Equal(CategoricalColumn.Missing, f30.Codes[1]);
        Assert.Null(f30.ValueAt(1));
        Assert.Equal(ColumnKind.Binary, frame.Numeric("f_33").Kind);
        Assert.Equal([1f, 0f, 1f, 0f], frame.Numeric("f_33").Values);
        Assert.Equal([0.03856407f, 0f, 1.5f, -2.25f], frame.Numeric("f_42").Values);
        Assert.Equal(5.6e7f, frame.Numeric("f_64").Values[0]);
        Assert.True(float.IsNaN(frame.Numeric("f_64").Values[1]));
        Assert.Equal([1, 0, 0, 1], frame.Label("is_clicked").Values);
        Assert.Equal([1, 0, 1, 0], frame.Label("is_installed").Values);
    }

    [Fact]
    public void Read_CrlfAndBom_ReadLikePlainText()
    {
        using var dir = new TempDir();
        var plain = Read(dir.Write("a/plain.csv", Samples.Text()));
        var crlf = Read(dir.Write("b/crlf.csv", Samples.Text().Replace("\n", "\r\n"), bom: true));
        AssertSame(plain, crlf);
    }

    [Fact]
    public void Read_LastLineWithoutNewline_IsStillARow()
    {
        using var dir = new TempDir();
        var frame = Read(dir.Write("t.csv", Samples.Text().TrimEnd('\n')));
        Assert.Equal(4, frame.RowCount);
        Assert.Equal(0, frame.Label("is_installed").Values[3]);
    }

    [Fact]
    public void Read_CommaSeparated_IsDetectedFromHeader()
    {
        using var dir = new TempDir();
        var tsv = Read(dir.Write("a/t.csv", Samples.Text()));
        var csv = Read(dir.Write("b/t.csv", Samples.Text().Replace('\t', ',')));
        AssertSame(tsv, csv);
    }

    [Fact]
    public void Read_Gzip_MatchesPlainText()
    {
        using var dir = new TempDir();
        var plain = Read(dir.Write("a/t.csv", Samples.Text()));
        var gz = Read(dir.WriteGzip("b/t.csv.gz", Samples.Text()));
        AssertSame(plain, gz);
    }

    [Fact]
    public void Read_FolderOfShards_ConcatenatesInNameOrder()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000001.csv", Samples.Text(Samples.Rows[2], Samples.Rows[3]));
        dir.Write("train/000000000000.csv", Samples.Text(Samples.Rows[0], Samples.Rows[1]));
        dir.Write("train/.hidden", "not data");
        var whole = Read(dir.Write("whole.csv", Samples.Text()));
        AssertSame(whole, Read(dir.File("train")));
    }

    [Fact]
    public void Read_TinyChunks_GivesTheSameFrameAsOneChunk()
    {
        // Many small chunks exercise the parallel split: every row must land in its own slot.
        using var dir = new TempDir();
        var random = new Random(7);
        var rows = Enumerable.Range(1, 3000).Select(i => string.Join('\t',
            i, 45 + i % 22, random.Next(0, 500), i % 3 == 0 ? "" : "0", i % 2, (random.NextDouble() * 100).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            i % 7 == 0 ? "" : random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), i % 2, i % 5 == 0 ? 1 : 0)).ToArray();
        var path = dir.Write("t.csv", Samples.Text(rows));
        AssertSame(Read(path), Read(path, chunkBytes: 97));
        var gz = dir.WriteGzip("t.csv.gz", Samples.Text(rows));
        AssertSame(Read(path), Read(gz, chunkBytes: 211));
    }

    [Fact]
    public void Read_TestFileWithoutLabels_HasNoLabels()
    {
        using var dir = new TempDir();
        var text = "f_0\tf_1\tf_2\n1\t67\t5\n2\t67\t6\n";
        var frame = Read(dir.Write("test.csv", text), labels: false);
        Assert.False(frame.HasLabels);
        Assert.Equal(2, frame.RowCount);
    }

    [Fact]
    public void Read_IntegralFloatsInIntegerColumns_AreAccepted()
    {
        // pandas writes integer columns that held a missing value as floats: 12.0.
        using var dir = new TempDir();
        var frame = Read(dir.Write("t.csv", "f_0\tf_1\tf_2\tis_clicked\tis_installed\n1.0\t45.0\t12.00\t1.0\t0\n"));
        Assert.Equal(12, frame.Categorical("f_2").ValueAt(0));
        Assert.Equal(1, frame.Label("is_clicked").Values[0]);
    }

    internal static void AssertSame(Frame expected, Frame actual)
    {
        Assert.Equal(expected.Schema, actual.Schema);
        Assert.Equal(expected.RowIds, actual.RowIds);
        Assert.Equal(expected.Days, actual.Days);
        foreach (var c in expected.Categoricals)
        {
            Assert.Equal(c.Levels, actual.Categorical(c.Name).Levels);
            Assert.Equal(c.Codes, actual.Categorical(c.Name).Codes);
        }
        foreach (var c in expected.Numerics)
        {
            Assert.Equal(c.Values, actual.Numeric(c.Name).Values);
        }
        foreach (var c in expected.Labels)
        {
            Assert.Equal(c.Values, actual.Label(c.Name).Values);
        }
    }
}
