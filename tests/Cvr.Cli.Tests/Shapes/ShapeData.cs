using System.Globalization;
using System.Text;

namespace Cvr.Cli.Tests.Shapes;

/// <summary>One row of crafted data in the challenge's layout: the cells of f_0 … f_79 (null: missing) and the labels.</summary>
internal sealed class ShapeRow
{
    public string?[] Cells { get; } = new string?[80];
    public int Clicked { get; set; }
    public int Installed { get; set; }
    public bool Liked => Clicked == 1 || Installed == 1;

    public ShapeRow Copy()
    {
        var copy = new ShapeRow { Clicked = Clicked, Installed = Installed };
        Cells.CopyTo(copy.Cells, 0);
        return copy;
    }

    public int Day
    {
        get => int.Parse(Cells[1]!, CultureInfo.InvariantCulture);
        set => Cells[1] = value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Sets numeric column f_<paramref name="column"/> (42 … 79), keeping the binary f_33 … f_41 true to the
    /// layout's rule (f_{33+k} = 1 exactly when f_{71+k} &gt; 0).</summary>
    public void SetNumeric(int column, double value)
    {
        if (column is < 42 or > 79) { throw new ArgumentOutOfRangeException(nameof(column)); }
        Cells[column] = value.ToString("R", CultureInfo.InvariantCulture);
        if (column >= 71) { Cells[column - 38] = value > 0 ? "1" : "0"; }
    }
}

/// <summary>
/// Writes data sets of chosen shapes in the challenge's layout (TAB-separated, a header, one train shard and one test
/// shard), for the data-shape matrix: shapes our generator never makes. A plain row has small random categorical codes,
/// zero numerics, a day spread evenly over 45 … 66, and labels drawn with the given like share; a shape edits it.
/// </summary>
internal sealed class ShapeData
{
    private readonly List<ShapeRow> _train = [];
    private readonly List<ShapeRow> _test = [];

    public IReadOnlyList<ShapeRow> Train => _train;
    public IReadOnlyList<ShapeRow> Test => _test;

    /// <summary><paramref name="trainRows"/> training rows over days 45 … 66 and <paramref name="testRows"/> test rows on
    /// day 67, about <paramref name="likeShare"/> of the training rows liked (of those, installs about half).</summary>
    public static ShapeData Plain(int trainRows, int testRows = 500, double likeShare = 0.3, int seed = 7)
    {
        var data = new ShapeData();
        var random = new Random(seed);
        for (var i = 0; i < trainRows; i++)
        {
            var row = NewRow(random, i + 1, 45 + (int)((long)i * 22 / trainRows));
            if (random.NextDouble() < likeShare)
            {
                row.Clicked = random.NextDouble() < 0.6 ? 1 : 0;
                row.Installed = row.Clicked == 0 || random.NextDouble() < 0.5 ? 1 : 0;
            }
            data._train.Add(row);
        }
        for (var i = 0; i < testRows; i++) { data._test.Add(NewRow(random, i + 1, 67)); }
        return data;
    }

    private static ShapeRow NewRow(Random random, int id, int day)
    {
        var row = new ShapeRow();
        row.Cells[0] = id.ToString(CultureInfo.InvariantCulture);
        row.Day = day;
        for (var c = 2; c <= 32; c++) { row.Cells[c] = random.Next(20).ToString(CultureInfo.InvariantCulture); }
        for (var c = 33; c <= 41; c++) { row.Cells[c] = "0"; }
        for (var c = 42; c <= 79; c++) { row.Cells[c] = "0"; }
        return row;
    }

    /// <summary>Training and test rows.</summary>
    public IEnumerable<ShapeRow> All => _train.Concat(_test);

    /// <summary>Sets f_<paramref name="column"/> to <paramref name="cell"/> (null: missing) in every training and test row.</summary>
    public ShapeData SetEverywhere(int column, string? cell)
    {
        foreach (var row in All) { row.Cells[column] = cell; }
        return this;
    }

    /// <summary>Every training row <paramref name="times"/> times in a row (copies of its cells and labels), with
    /// fresh row ids unless <paramref name="sameRowId"/>.</summary>
    public ShapeData Repeat(int times, bool sameRowId = false)
    {
        var copies = _train.SelectMany(r => Enumerable.Range(0, times).Select(_ => r.Copy())).ToList();
        _train.Clear();
        _train.AddRange(copies);
        if (!sameRowId)
        {
            for (var i = 0; i < _train.Count; i++) { _train[i].Cells[0] = (i + 1).ToString(CultureInfo.InvariantCulture); }
        }
        return this;
    }

    /// <summary>Writes <paramref name="trainShards"/> training shards (<c>train/000000000000.csv</c> …, rows dealt in
    /// turn) and <c>test/000000000000.csv</c> under <paramref name="folder"/>.</summary>
    public void Write(string folder, int trainShards = 1)
    {
        for (var s = 0; s < trainShards; s++)
        {
            var shard = _train.Where((_, i) => i % trainShards == s).ToList();
            Write(Path.Combine(folder, "train", $"{s:D12}.csv"), shard, labels: true);
        }
        Write(Path.Combine(folder, "test", "000000000000.csv"), _test, labels: false);
    }

    private static void Write(string file, List<ShapeRow> rows, bool labels)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var text = new StreamWriter(file, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        text.Write(string.Join('\t', Enumerable.Range(0, 80).Select(i => $"f_{i}")));
        text.Write(labels ? "\tis_clicked\tis_installed\n" : "\n");
        foreach (var row in rows)
        {
            for (var c = 0; c < 80; c++)
            {
                if (c > 0) { text.Write('\t'); }
                text.Write(row.Cells[c]);
            }
            if (labels) { text.Write('\t'); text.Write(row.Clicked); text.Write('\t'); text.Write(row.Installed); }
            text.Write('\n');
        }
    }
}
