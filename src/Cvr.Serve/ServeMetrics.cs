using System.Globalization;
using System.Text;

namespace Cvr.Serve;

/// <summary>
/// The counters behind <c>GET /metrics</c>, in Prometheus' text exposition format: requests by route (predict,
/// explain, …) and status, a latency histogram of predict requests (server time, from the first byte of the request
/// to the last of the response), rows scored and explained, and model reloads. Lock-free: one interlocked add per counter.
/// </summary>
internal sealed class ServeMetrics
{
    /// <summary>Histogram bounds in seconds: fine below a millisecond, where the latency target is.</summary>
    public static readonly double[] Buckets = [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

    public static readonly string[] Routes = ["predict", "model", "healthz", "metrics", "other", "explain"];

    /// <summary>Status codes counted one by one; anything else is counted under its class (e.g. 5xx).</summary>
    private static readonly int[] s_statuses = [200, 400, 404, 405, 499, 500, 503];

    private readonly long[,] _requests = new long[Routes.Length, s_statuses.Length + 5];
    private readonly long[] _buckets = new long[Buckets.Length + 1];
    private long _latencyTicks;
    private long _latencyCount;
    private long _rows;
    private long _explained;
    private long _reloadsOk;
    private long _reloadsFailed;

    public void Request(int route, int status, long elapsedTicks)
    {
        Interlocked.Increment(ref _requests[route, StatusSlot(status)]);
        if (route != 0) { return; }
        var seconds = elapsedTicks / (double)System.Diagnostics.Stopwatch.Frequency;
        var b = 0;
        while (b < Buckets.Length && seconds > Buckets[b]) { b++; }
        Interlocked.Increment(ref _buckets[b]);
        Interlocked.Add(ref _latencyTicks, elapsedTicks);
        Interlocked.Increment(ref _latencyCount);
    }

    public void RowsScored(int rows) => Interlocked.Add(ref _rows, rows);

    public void RowsExplained(int rows) => Interlocked.Add(ref _explained, rows);

    public void Reloaded(bool ok) => Interlocked.Increment(ref ok ? ref _reloadsOk : ref _reloadsFailed);

    public long Rows => Interlocked.Read(ref _rows);

    private static int StatusSlot(int status)
    {
        var i = Array.IndexOf(s_statuses, status);
        return i >= 0 ? i : s_statuses.Length + Math.Clamp(status / 100 - 1, 0, 4);
    }

    private static string StatusLabel(int slot) => slot < s_statuses.Length
        ? s_statuses[slot].ToString(CultureInfo.InvariantCulture)
        : $"{slot - s_statuses.Length + 1}xx";

    public string Render(string bundleHash)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("# HELP cvr_requests_total HTTP requests by route and status code.\n# TYPE cvr_requests_total counter\n");
        for (var r = 0; r < Routes.Length; r++)
        {
            for (var s = 0; s < _requests.GetLength(1); s++)
            {
                var n = Interlocked.Read(ref _requests[r, s]);
                if (n > 0 || (r == 0 && s == 0)) { text.Append(inv, $"cvr_requests_total{{route=\"{Routes[r]}\",status=\"{StatusLabel(s)}\"}} {n}\n"); }
            }
        }
        text.Append("# HELP cvr_predict_duration_seconds Server time of predict requests.\n# TYPE cvr_predict_duration_seconds histogram\n");
        long cumulative = 0;
        for (var b = 0; b <= Buckets.Length; b++)
        {
            cumulative += Interlocked.Read(ref _buckets[b]);
            var le = b < Buckets.Length ? Buckets[b].ToString("R", inv) : "+Inf";
            text.Append(inv, $"cvr_predict_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}\n");
        }
        var sum = Interlocked.Read(ref _latencyTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
        text.Append(inv, $"cvr_predict_duration_seconds_sum {sum:R}\ncvr_predict_duration_seconds_count {Interlocked.Read(ref _latencyCount)}\n");
        text.Append(inv, $"# HELP cvr_rows_scored_total Instances scored.\n# TYPE cvr_rows_scored_total counter\ncvr_rows_scored_total {Rows}\n");
        text.Append(inv, $"# HELP cvr_rows_explained_total Instances explained.\n# TYPE cvr_rows_explained_total counter\ncvr_rows_explained_total {Interlocked.Read(ref _explained)}\n");
        text.Append("# HELP cvr_model_reloads_total Model reloads by result.\n# TYPE cvr_model_reloads_total counter\n");
        text.Append(inv, $"cvr_model_reloads_total{{result=\"ok\"}} {Interlocked.Read(ref _reloadsOk)}\ncvr_model_reloads_total{{result=\"refused\"}} {Interlocked.Read(ref _reloadsFailed)}\n");
        text.Append(inv, $"# HELP cvr_model_info The bundle being served.\n# TYPE cvr_model_info gauge\ncvr_model_info{{bundle_sha256=\"{bundleHash}\"}} 1\n");
        text.Append(inv, $"# HELP cvr_managed_memory_bytes Managed heap size after the last collection.\n# TYPE cvr_managed_memory_bytes gauge\ncvr_managed_memory_bytes {GC.GetTotalMemory(false)}\n");
        text.Append("# HELP cvr_gc_collections_total Garbage collections since the start, by generation (a collection of 2 counts in 1 and 0 too).\n# TYPE cvr_gc_collections_total counter\n");
        for (var g = 0; g <= 2; g++) { text.Append(inv, $"cvr_gc_collections_total{{generation=\"{g}\"}} {GC.CollectionCount(g)}\n"); }
        text.Append(inv, $"# HELP cvr_gc_pause_seconds_total Time every thread was paused for garbage collection since the start.\n# TYPE cvr_gc_pause_seconds_total counter\ncvr_gc_pause_seconds_total {GC.GetTotalPauseDuration().TotalSeconds:R}\n");
        text.Append(inv, $"# HELP process_resident_memory_bytes Resident set size.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {Environment.WorkingSet}\n");
        return text.ToString();
    }
}
