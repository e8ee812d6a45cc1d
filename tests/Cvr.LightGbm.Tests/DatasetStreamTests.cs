namespace Cvr.LightGbm.Tests;

public class DatasetStreamTests
{
    private static readonly TestData s_data = TestData.Create(rows: 3000, columns: 6, seed: 11);

    /// <summary>Fewer sampled rows than the data holds, so the bins depend on which rows are sampled.</summary>
    private static readonly LightGbmParameters s_sampled = TestData.Binary with
    {
        Extra = new Dictionary<string, string> { ["bin_construct_sample_cnt"] = "700", ["data_random_seed"] = "5" },
    };

    [LightGbmFact]
    public void SampleRows_AreIncreasingAndAsManyAsTheSampleCount()
    {
        var rows = DatasetStream.SampleRows(s_data.Rows, s_sampled);
        Assert.Equal(700, rows.Length);
        Assert.All(rows.Zip(rows.Skip(1)), p => Assert.True(p.First < p.Second));
        Assert.Equal(Enumerable.Range(0, 500), DatasetStream.SampleRows(500, s_sampled));
    }

    [LightGbmFact]
    public void Streamed_InUnevenChunks_TrainsTheModelOfFromMatrix()
    {
        var columnMajor = s_data.ToColumnMajor();
        using var whole = Dataset.FromMatrix(columnMajor, s_data.Rows, s_data.Columns, s_sampled, MatrixLayout.ColumnMajor);
        whole.SetLabel(s_data.Labels);

        using var streamed = Stream(s_sampled, [1000, 1, 999, 1000]);
        using var a = TestData.Train(whole, 15, s_sampled);
        using var b = TestData.Train(streamed, 15, s_sampled);
        Assert.Equal(a.SaveToString(), b.SaveToString());
    }

    [LightGbmFact]
    public void Streamed_WithAnotherSample_BinsDifferently()
    {
        // The test above could pass with bins from any rows; sampling other rows must change the model.
        var columnMajor = s_data.ToColumnMajor();
        using var whole = Dataset.FromMatrix(columnMajor, s_data.Rows, s_data.Columns, s_sampled, MatrixLayout.ColumnMajor);
        whole.SetLabel(s_data.Labels);
        using var streamed = Stream(s_sampled, [3000], sample: Enumerable.Range(0, 700).ToArray());
        using var a = TestData.Train(whole, 15, s_sampled);
        using var b = TestData.Train(streamed, 15, s_sampled);
        Assert.NotEqual(a.SaveToString(), b.SaveToString());
    }

    [LightGbmFact]
    public void Push_AfterTheThreadCapWasRaised_StaysInsideLightGbmsPerThreadBuffers()
    {
        // Sparse columns (a sparse bin per feature keeps one push buffer per thread): created under a cap of one
        // thread, pushed after another caller raised it. LGBM_DatasetPushRows sized the buffers by the count at
        // creation and indexed them by the count at the push: thread 1 wrote past the only buffer (a segmentation
        // fault in SparseBin::Push, or glibc's heap check under MALLOC_CHECK_=3, that aborted the test host).
        if (LightGbmThreads.Bound < 2) { return; } // one processor: LightGBM never pushes on two threads
        const int rows = 20_000, columns = 30;
        var random = new Random(3);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++) { values[i] = random.NextDouble() < 0.02 ? random.Next(1, 50) : 0; }
        var labels = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var sample = DatasetStream.SampleRows(rows, TestData.Binary);
        var sampled = sample.SelectMany(r => values.AsSpan(r * columns, columns).ToArray()).ToArray();
        try
        {
            LightGbmThreads.SetMax(1);
            using var stream = DatasetStream.Begin(sampled, sample.Length, columns, rows, TestData.Binary, MatrixLayout.RowMajor);
            LightGbmThreads.SetMax(LightGbmThreads.Bound);
            stream.Push(values, rows, MatrixLayout.RowMajor);
            using var streamed = stream.Complete();
            streamed.SetLabel(labels);
            using var whole = Dataset.FromMatrix(values, rows, columns, TestData.Binary);
            whole.SetLabel(labels);
            using var a = TestData.Train(streamed, 5);
            using var b = TestData.Train(whole, 5);
            Assert.Equal(b.SaveToString(), a.SaveToString());
        }
        finally
        {
            LightGbmThreads.SetMax(0);
        }
    }

    [LightGbmFact]
    public void Complete_BeforeEveryRow_Throws_AndPushPastTheEnd_Throws()
    {
        using var stream = Begin(s_sampled, DatasetStream.SampleRows(s_data.Rows, s_sampled));
        var error = Assert.Throws<InvalidOperationException>(() => stream.Complete());
        Assert.Contains("0 of 3000 rows pushed", error.Message, StringComparison.Ordinal);
        stream.Push(Chunk(0, 2500), 2500);
        var past = Assert.Throws<ArgumentException>(() => stream.Push(Chunk(2500, 500).Concat(Chunk(0, 1)).ToArray(), 501));
        Assert.Contains("501 more rows after 2500 would exceed the dataset's 3000", past.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => stream.Push(new float[7], 1));
    }

    private static Dataset Stream(LightGbmParameters parameters, int[] chunks, int[]? sample = null)
    {
        using var stream = Begin(parameters, sample ?? DatasetStream.SampleRows(s_data.Rows, parameters));
        var start = 0;
        foreach (var rows in chunks)
        {
            stream.Push(Chunk(start, rows), rows);
            start += rows;
        }
        var dataset = stream.Complete();
        dataset.SetLabel(s_data.Labels);
        return dataset;
    }

    private static DatasetStream Begin(LightGbmParameters parameters, int[] sample)
    {
        var values = new float[sample.Length * s_data.Columns];
        for (var c = 0; c < s_data.Columns; c++)
        {
            for (var i = 0; i < sample.Length; i++) { values[(c * sample.Length) + i] = s_data.Features[(sample[i] * s_data.Columns) + c]; }
        }
        return DatasetStream.Begin(values, sample.Length, s_data.Columns, s_data.Rows, parameters);
    }

    /// <summary>Rows [start, start + rows) column-major, as a feature pipeline writes a chunk.</summary>
    private static float[] Chunk(int start, int rows)
    {
        var values = new float[rows * s_data.Columns];
        for (var c = 0; c < s_data.Columns; c++)
        {
            for (var i = 0; i < rows; i++) { values[(c * rows) + i] = s_data.Features[((start + i) * s_data.Columns) + c]; }
        }
        return values;
    }
}
