using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>
/// Generates and writes one file (a train shard or the test file) with its truth rows. Each file has its own random
/// stream derived from (seed, file), so files can be written in parallel and stay byte-identical.
/// </summary>
internal sealed class ShardWriter(World world)
{
    private const int ProgressEvery = 8192;
    private const int Days = RealData.TestDay - RealData.FirstTrainDay + 1;

    private readonly World _w = world;

    /// <summary>Replay probability per day: the paper's Table 3 duplicates over the rows of those days.</summary>
    public static double ReplayRate(int day) => day switch
    {
        RealData.TestDay => RealData.DuplicatesTest / (double)RealData.TestRows,
        RealData.LastTrainDay => RealData.DuplicatesDay66 / (double)RealData.TrainRowsPerDay[^1],
        _ => (RealData.DuplicatesTrain - RealData.DuplicatesDay66)
             / (double)(RealData.TrainRows - RealData.TrainRowsPerDay[^1]),
    };

    /// <summary>Writes rows with ids firstId.. and days dayOf(i); returns bytes written (data + truth).</summary>
    public long Write(
        ulong stream, long firstId, int rows, Func<int, int> dayOf, bool isTest,
        string dataPath, string truthPath, Action<int> progress, CancellationToken ct)
    {
        using var dataFile = Create(dataPath);
        using var truthFile = Create(truthPath);
        using var data = new Utf8Sink(dataFile);
        using var truth = new Utf8Sink(truthFile);
        var formatter = new RowFormatter(_w);
        data.Ascii(RowFormatter.Header(withLabels: !isTest));
        if (isTest) truth.Ascii(RowFormatter.TestTruthHeader);

        int pending = 0;
        Generate(stream, firstId, rows, dayOf, row =>
        {
            formatter.WriteRow(data, row, withLabels: !isTest);
            RowFormatter.WriteTruth(truth, row, withLabels: isTest);
            if (++pending == ProgressEvery)
            {
                ct.ThrowIfCancellationRequested();
                progress(pending);
                pending = 0;
            }
        });
        data.Flush();
        truth.Flush();
        progress(pending);
        return data.BytesWritten + truth.BytesWritten;
    }

    /// <summary>
    /// The rows of one file in order, with their truth and labels, as <see cref="Write"/> writes them; also how a
    /// diagnostic recovers what the files don't show (a row's ad, its app slot). <paramref name="visit"/> gets one
    /// reused row: copy what it keeps.
    /// </summary>
    public void Generate(ulong stream, long firstId, int rows, Func<int, int> dayOf, Action<Row> visit)
    {
        var rng = new Xoshiro256(_w.Seed, stream);
        var sampler = new RowSampler(_w);
        var row = new Row();
        var lastOfDay = new Row?[Days];
        for (int i = 0; i < rows; i++)
        {
            int day = dayOf(i);
            var last = lastOfDay[day - RealData.FirstTrainDay];
            if (last != null && rng.NextDouble() < ReplayRate(day))
            {
                // A duplicate: the same impression logged again. Mostly its labels too; sometimes a fresh outcome,
                // which makes the label conflicts of the paper's Table 3.
                row.CopyFrom(last);
                if (rng.NextDouble() < _w.Parameters.ReplayRelabelProbability) Story.SampleLabels(_w, row, ref rng);
            }
            else
            {
                sampler.Sample(row, day, ref rng);
                Story.Apply(_w, row);
                Story.SampleLabels(_w, row, ref rng);
            }
            row.Id = firstId + i;
            visit(row);
            (lastOfDay[day - RealData.FirstTrainDay] ??= new Row()).CopyFrom(row);
        }
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.SequentialScan);
}
