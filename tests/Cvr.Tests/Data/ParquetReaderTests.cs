using Cvr.Data;
using Parquet;
using Parquet.Schema;

namespace Cvr.Tests.Data;

public class ParquetReaderTests
{
    /// <summary>Writes <see cref="Samples.Rows"/> as Parquet with natural types (nullable where the text has blanks).</summary>
    private static async Task WriteSamplesAsync(string path, int? bad = null)
    {
        var fields = new DataField[]
        {
            new DataField<long>("f_0"), new DataField<int>("f_1"), new DataField<int>("f_2"), new DataField<int?>("f_30"),
            new DataField<bool>("f_33"), new DataField<double>("f_42"), new DataField<float?>("f_64"),
            new DataField<int>("is_clicked"), new DataField<int>("is_installed"),
        };
        var schema = new ParquetSchema(fields);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<long>(fields[0], new long[] { 1, 2, 3, 4 });
        await group.WriteAsync<int>(fields[1], new[] { 45, 45, 46, 47 });
        await group.WriteAsync<int>(fields[2], new[] { 100, 7, 100, -3 });
        await group.WriteAsync<int>(fields[3], new int?[] { 0, null, 1, 0 });
        await group.WriteAsync<bool>(fields[4], new[] { true, false, true, false });
        await group.WriteAsync<double>(fields[5], new[] { 0.03856407, 0, 1.5, -2.25 });
        await group.WriteAsync<float>(fields[6], new float?[] { 5.6e7f, null, 12, 0.5f });
        await group.WriteAsync<int>(fields[7], new[] { 1, 0, 0, 1 });
        await group.WriteAsync<int>(fields[8], new[] { 1, 0, 1, bad ?? 0 });
    }

    /// <summary>One row of zeros under the given column names: enough for the header checks, which come first.</summary>
    private static async Task WriteColumnsAsync(string path, params string[] names)
    {
        var fields = names.Select(n => new DataField<int>(n)).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        foreach (var field in fields) { await group.WriteAsync<int>(field, new[] { 0 }); }
    }

    private static string ErrorOfShards(TempDir dir)
        => Assert.Throws<DataFormatException>(() => FrameReader.Read(dir.File("train"), new ReadOptions { DisplayRoot = dir.Path })).Message;

    [Fact]
    public async Task Read_ParquetShardLacksAColumn_NamesTheShardAndTheColumn()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        await WriteSamplesAsync(dir.File("train/000000000000.parquet"));
        await WriteColumnsAsync(dir.File("train/000000000003.parquet"), "f_0", "f_1", "f_2", "f_33", "f_42", "f_64", "is_clicked", "is_installed");
        Assert.Equal("train/000000000003.parquet: the schema lacks f_30 (expected the same columns as train/000000000000.parquet)", ErrorOfShards(dir));
    }

    [Fact]
    public async Task Read_ParquetShardColumnsInAnotherOrder_NamesTheFirstColumnOutOfPlace()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        await WriteSamplesAsync(dir.File("train/000000000000.parquet"));
        await WriteColumnsAsync(dir.File("train/000000000003.parquet"), "f_0", "f_1", "f_2", "f_30", "f_33", "f_42", "f_64", "is_installed", "is_clicked");
        Assert.Equal("train/000000000003.parquet: the schema has the columns in another order: column #8 is is_installed where train/000000000000.parquet has is_clicked (expected the same columns as train/000000000000.parquet in the same order)",
            ErrorOfShards(dir));
    }

    [Fact]
    public async Task Read_Parquet_MatchesTheSameRowsAsText()
    {
        using var dir = new TempDir();
        await WriteSamplesAsync(dir.File("t.parquet"));
        var text = FrameReader.Read(dir.Write("t.csv", Samples.Text()), new ReadOptions { RequireLabels = true });
        var parquet = FrameReader.Read(dir.File("t.parquet"), new ReadOptions { RequireLabels = true });
        FrameReaderTests.AssertSame(text, parquet);
    }

    [Fact]
    public async Task Read_ParquetBadLabel_NamesRowAndColumn()
    {
        using var dir = new TempDir();
        await WriteSamplesAsync(dir.File("t.parquet"), bad: 3);
        var e = Assert.Throws<DataFormatException>(() => FrameReader.Read(dir.File("t.parquet"),
            new ReadOptions { RequireLabels = true, DisplayRoot = dir.Path }));
        Assert.Equal("t.parquet: row 4, column is_installed: invalid label '3' (expected 0 or 1)", e.Message);
    }

    [Fact]
    public async Task Read_DuplicateRowIdsAcrossParquetShards_NamesRowsNotLines()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        await WriteSamplesAsync(dir.File("train/a.parquet"));
        await WriteSamplesAsync(dir.File("train/b.parquet"));
        var e = Assert.Throws<DataFormatException>(() => FrameReader.Read(dir.File("train"),
            new ReadOptions { RequireLabels = true, DisplayRoot = dir.Path }));
        Assert.Equal("train/b.parquet: row 1, column f_0: duplicate row id '1' (expected unique row ids; first seen in train/a.parquet row 1)", e.Message);
    }

    [Fact]
    public void Read_NotParquet_SaysSo()
    {
        using var dir = new TempDir();
        dir.Write("t.parquet", "this is not parquet");
        var e = Assert.Throws<DataFormatException>(() => FrameReader.Read(dir.File("t.parquet"), new ReadOptions { DisplayRoot = dir.Path }));
        Assert.StartsWith("t.parquet: not a readable Parquet file", e.Message);
    }
}
