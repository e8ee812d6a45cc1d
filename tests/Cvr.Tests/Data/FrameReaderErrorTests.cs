using Cvr.Data;

namespace Cvr.Tests.Data;

/// <summary>Every bad-input case gets one exact message naming file, line, column, value and expectation.</summary>
public class FrameReaderErrorTests
{
    private static string ErrorOf(TempDir dir, string relativeTarget, bool labels = true, int chunkBytes = ReadOptions.DefaultChunkBytes)
    {
        var e = Assert.Throws<DataFormatException>(() => FrameReader.Read(dir.File(relativeTarget),
            new ReadOptions { RequireLabels = labels, DisplayRoot = dir.Path, ChunkBytes = chunkBytes }));
        return e.Message;
    }

    private static string ErrorOfRows(params string[] rows)
    {
        using var dir = new TempDir();
        dir.Write("train/000000000003.csv", Samples.Text(rows));
        return ErrorOf(dir, "train");
    }

    [Fact]
    public void Read_TooFewFields_NamesLineAndCounts()
        => Assert.Equal("train/000000000003.csv: line 3: the line has 5 fields, expected 9 (as in the header)",
            ErrorOfRows(Samples.Rows[0], "2\t45\t7\t0\t1"));

    [Fact]
    public void Read_TooManyFields_NamesLineAndCounts()
        => Assert.Equal("train/000000000003.csv: line 2: the line has 10 fields, expected 9 (as in the header)",
            ErrorOfRows(Samples.Rows[0] + "\t5"));

    [Fact]
    public void Read_BlankLine_IsAFieldCountError()
        => Assert.Equal("train/000000000003.csv: line 3: the line has 1 field, expected 9 (as in the header)",
            ErrorOfRows(Samples.Rows[0], "", Samples.Rows[1]));

    [Fact]
    public void Read_UnparsableNumber_NamesLineColumnAndValue()
        => Assert.Equal("train/000000000003.csv: line 4, column f_42: cannot parse 'abc' (expected a number or an empty field)",
            ErrorOfRows(Samples.Rows[0], Samples.Rows[1], "3\t46\t100\t1\t1\tabc\t12\t0\t1"));

    [Fact]
    public void Read_LabelNotBinary_SaysExpected0Or1()
        => Assert.Equal("train/000000000003.csv: line 2, column is_installed: invalid label '2' (expected 0 or 1)",
            ErrorOfRows("1\t45\t100\t0\t1\t0.5\t5\t1\t2"));

    [Fact]
    public void Read_MissingLabel_SaysExpected0Or1()
        => Assert.Equal("train/000000000003.csv: line 2, column is_clicked: missing label '' (expected 0 or 1)",
            ErrorOfRows("1\t45\t100\t0\t1\t0.5\t5\t\t0"));

    [Theory]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("1e39")]
    public void Read_NonFiniteNumber_IsRejected(string value)
        => Assert.Equal($"train/000000000003.csv: line 2, column f_42: non-finite value '{value}' (expected a finite number or an empty field)",
            ErrorOfRows($"1\t45\t100\t0\t1\t{value}\t5\t1\t0"));

    [Fact]
    public void Read_BinaryOutOfRange_IsRejected()
        => Assert.Equal("train/000000000003.csv: line 2, column f_33: not a binary value '2' (expected 0, 1 or an empty field)",
            ErrorOfRows("1\t45\t100\t0\t2\t0.5\t5\t1\t0"));

    [Fact]
    public void Read_FractionalCategory_IsRejected()
        => Assert.Equal("train/000000000003.csv: line 2, column f_2: cannot parse '1.5' (expected an integer category from -2147483647 to 2147483647 or an empty field)",
            ErrorOfRows("1\t45\t1.5\t0\t1\t0.5\t5\t1\t0"));

    [Fact]
    public void Read_MissingDay_IsRejected()
        => Assert.Equal("train/000000000003.csv: line 2, column f_1: missing day '' (expected an integer day number)",
            ErrorOfRows("1\t\t1\t0\t1\t0.5\t5\t1\t0"));

    [Fact]
    public void Read_MissingHeader_ReportsTheFirstLineAsAnUnknownColumn()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", string.Join("\n", Samples.Rows) + "\n");
        Assert.Equal("train/000000000000.csv: line 1, column #1: unknown column name '1' (expected f_0..f_79, is_clicked or is_installed)",
            ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_TrainWithoutLabels_SaysBothLabelsAreNeeded()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", "f_0\tf_1\tf_2\tis_clicked\n1\t45\t3\t0\n");
        Assert.Equal("train/000000000000.csv: line 1: the header has no is_installed column (expected both labels, is_clicked and is_installed, in training data)",
            ErrorOf(dir, "train"));
    }

    /// <summary>Two shards: the first with <see cref="Samples.Header"/>, the next with <paramref name="header"/>.</summary>
    private static string ErrorOfSecondShard(string header, string row)
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text(Samples.Rows[0]));
        dir.Write("train/000000000003.csv", header + "\n" + row + "\n");
        return ErrorOf(dir, "train");
    }

    [Fact]
    public void Read_ShardLacksAColumn_NamesTheShardAndTheColumn()
        => Assert.Equal("train/000000000003.csv: line 1: the header lacks f_30 (expected the same columns as train/000000000000.csv)",
            ErrorOfSecondShard("f_0\tf_1\tf_2\tf_33\tf_42\tf_64\tis_clicked\tis_installed", "2\t45\t7\t0\t0\t1\t0\t0"));

    [Fact]
    public void Read_ShardHasAnExtraColumn_NamesTheShardAndTheColumn()
        => Assert.Equal("train/000000000003.csv: line 1: the header has extra f_58 (expected the same columns as train/000000000000.csv)",
            ErrorOfSecondShard(Samples.Header + "\tf_58", Samples.Rows[1] + "\t3"));

    [Fact]
    public void Read_ShardHasAnotherColumnInstead_NamesBoth()
        => Assert.Equal("train/000000000003.csv: line 1: the header lacks f_30, f_64 and has extra f_31 (expected the same columns as train/000000000000.csv)",
            ErrorOfSecondShard("f_0\tf_1\tf_2\tf_31\tf_33\tf_42\tis_clicked\tis_installed", "2\t45\t7\t1\t0\t0\t0\t0"));

    [Fact]
    public void Read_ShardColumnsInAnotherOrder_NamesTheFirstColumnOutOfPlace()
        => Assert.Equal("train/000000000003.csv: line 1: the header has the columns in another order: column #4 is f_33 where train/000000000000.csv has f_30 (expected the same columns as train/000000000000.csv in the same order)",
            ErrorOfSecondShard("f_0\tf_1\tf_2\tf_33\tf_30\tf_42\tf_64\tis_clicked\tis_installed", "2\t45\t7\t0\t\t0\t\t0\t0"));

    [Fact]
    public void Read_ShardRepeatsAColumn_NamesIt()
        => Assert.Equal("train/000000000003.csv: line 1: the header repeats f_30 (expected the same columns as train/000000000000.csv, each once)",
            ErrorOfSecondShard(Samples.Header + "\tf_30", Samples.Rows[1] + "\t3"));

    [Fact]
    public void Read_EmptyFile_IsRejected()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", "");
        Assert.Equal("train/000000000000.csv: the file is empty (expected a header line)", ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_EmptyFolder_IsRejected()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        Assert.Equal("train: the folder holds no data files (expected *.csv, *.tsv, *.txt, *.gz or *.parquet shards)", ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_HeaderOnly_HasNoRows()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Header + "\n");
        Assert.Equal("train/000000000000.csv: no data rows (expected at least one line after the header)", ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_UnexpectedFileInFolder_IsRejected()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text());
        dir.Write("train/notes.json", "{}");
        Assert.Equal("train/notes.json: unexpected file in a data folder (expected shards named *.csv, *.tsv, *.txt, their .gz forms, or *.parquet)",
            ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_DuplicateRowIdsAcrossShards_NamesBothPlaces()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text(Samples.Rows[0], Samples.Rows[1]));
        dir.Write("train/000000000001.csv", Samples.Text(Samples.Rows[2], Samples.Rows[1]));
        Assert.Equal("train/000000000001.csv: line 3, column f_0: duplicate row id '2' (expected unique row ids; first seen in train/000000000000.csv line 3)",
            ErrorOf(dir, "train"));
    }

    [Fact]
    public void Read_UnknownColumn_IsRejected()
    {
        using var dir = new TempDir();
        dir.Write("t.csv", "f_0\tf_1\tuser_age\tis_clicked\tis_installed\n1\t45\t3\t0\t0\n");
        Assert.Equal("t.csv: line 1, column #3: unknown column name 'user_age' (expected f_0..f_79, is_clicked or is_installed)",
            ErrorOf(dir, "t.csv"));
    }

    [Fact]
    public void Read_SeveralBadChunks_ReportsTheFirstInFileOrder()
    {
        // With tiny chunks, later chunks may fail first on another thread; the message must not depend on that.
        using var dir = new TempDir();
        var rows = Enumerable.Range(1, 400).Select(i => i is 150 or 390
            ? $"{i}\t45\t1\t0\t1\tbad{i}\t5\t1\t0"
            : $"{i}\t45\t1\t0\t1\t0.5\t5\t1\t0").ToArray();
        dir.Write("t.csv", Samples.Text(rows));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal("t.csv: line 151, column f_42: cannot parse 'bad150' (expected a number or an empty field)",
                ErrorOf(dir, "t.csv", chunkBytes: 64));
        }
    }

    [Fact]
    public void Read_NotGzip_SaysSo()
    {
        using var dir = new TempDir();
        dir.Write("t.csv.gz", Samples.Text());
        Assert.StartsWith("t.csv.gz: not a valid gzip file", ErrorOf(dir, "t.csv.gz"));
    }
}
