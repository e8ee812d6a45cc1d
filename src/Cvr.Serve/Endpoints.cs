using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Cvr.Serve;

/// <summary>The HTTP routes. Anything a client sends that is wrong is a 400 with a <see cref="RequestError"/>;
/// a 500 means a bug and is logged.</summary>
internal static class Endpoints
{
    public const string PredictPath = "/v1/models/cvr:predict", ExplainPath = "/v1/models/cvr:explain", ModelPath = "/v1/models/cvr", HealthPath = "/healthz", MetricsPath = "/metrics";
    public const string ModelName = "cvr";

    private const int ClientClosedRequest = 499;

    /// <summary>Quotes in error messages stay readable (<c>"abc"</c>, not <c>\u0022abc\u0022</c>); the body is JSON, never HTML.</summary>
    private static readonly JsonWriterOptions s_writer = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="logger">The command's logger, at its own level (a client that left is logged at debug level,
    /// shown with <c>--verbose</c>).</param>
    public static void Map(WebApplication app, ModelHost models, ServeMetrics metrics, ServeOptions options, ILogger logger)
    {
        app.Use(async (context, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // Kestrel's verdict on the body (shorter than its Content-Length, sent too slowly): the client's.
                context.Response.Clear();
                await BadRequest(context.Response, new RequestError(null, null, e.Message, "a complete request body")).ConfigureAwait(false);
            }
            catch (Exception e) when (ClientLeft(context, e))
            {
                // Nobody to answer: counted as nginx's 499 (client closed request), not as a server error, whether
                // the client closed the connection or reset it.
                logger.LogDebug("client closed {Path} mid-request: {Reason}", context.Request.Path, $"{e.GetType().Name}: {e.Message}");
                if (!context.Response.HasStarted) { context.Response.StatusCode = ClientClosedRequest; }
                // Done with the connection: else Kestrel, not told of a reset yet, tries to drain the rest of the
                // body from a reader that has failed and logs that as an error.
                context.Abort();
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                logger.LogError("internal error on {Path}: {Error}", context.Request.Path, e.ToString());
                context.Response.Clear();
                await WriteJson(context.Response, StatusCodes.Status500InternalServerError, w => w.WriteString("error", "internal error (logged by the server)")).ConfigureAwait(false);
            }
            finally
            {
                metrics.Request(RouteOf(context.Request.Path), context.Response.StatusCode, Stopwatch.GetTimestamp() - start);
            }
        });
        app.MapPost(PredictPath, context => Answer(context, models, options, s_predict, static (w, rows, _) => WritePredictions(w, rows), metrics.RowsScored));
        app.MapPost(ExplainPath, context => Explain(context, models, metrics, options));
        app.MapGet(ModelPath, context => WriteJson(context.Response, StatusCodes.Status200OK, w => ModelInfo.Write(w, models.Current, options)));
        app.MapGet(HealthPath, context => WriteText(context.Response, "ok\n", "text/plain; charset=utf-8"));
        app.MapGet(MetricsPath, context => WriteText(context.Response, metrics.Render(models.Current.BundleHash), "text/plain; version=0.0.4; charset=utf-8"));
    }

    /// <summary>The client went away mid-request: an orderly abort cancels the request's token; a reset (TCP RST)
    /// surfaces as Kestrel's <see cref="ConnectionResetException"/> from the body read, and the token may be cancelled
    /// only after the exception is seen.</summary>
    private static bool ClientLeft(HttpContext context, Exception e)
    {
        if (context.RequestAborted.IsCancellationRequested) { return true; }
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ConnectionResetException) { return true; }
        }
        return false;
    }

    private static int RouteOf(PathString path) => path.Value switch
    {
        PredictPath => 0,
        ModelPath => 1,
        HealthPath => 2,
        MetricsPath => 3,
        ExplainPath => 5,
        _ => 4,
    };

    private static readonly Func<Lane, RowPrediction> s_predict = static lane => lane.Scorer.Score(lane.Row);

    private static readonly Func<Lane, RowExplanation> s_explain = static lane => lane.Explainer.Explain(lane.Row);

    /// <summary>KServe V1's explain verb: the instances of a predict request, each explained (<see cref="ExplanationJson"/>,
    /// the top <c>?top=K</c> features per model, <see cref="ExplanationJson.DefaultTop"/> by default, 0 for all).</summary>
    private static Task Explain(HttpContext context, ModelHost models, ServeMetrics metrics, ServeOptions options)
    {
        var top = ExplainQuery.Top(context.Request.Query, out var error);
        if (error is not null)
        {
            return BadRequest(context.Response, error);
        }
        if (models.Current.Unexplainable is { } why)
        {
            // Not the client's fault, and not a bug: this bundle's models can't be explained (they still predict).
            return WriteJson(context.Response, StatusCodes.Status501NotImplemented, w => w.WriteString("error", why));
        }
        return Answer(context, models, options, s_explain, (w, rows, model) =>
        {
            w.WriteStartArray("explanations");
            foreach (var row in rows) { ExplanationJson.Write(w, row, model.FeatureNames, top); }
            w.WriteEndArray();
        }, metrics.RowsExplained);
    }

    /// <summary>Reads a request's instances (at most the body limit), answers each on a rented lane of the current
    /// model, and writes the answers as one JSON object; any fault of the request is a 400 with its <see cref="RequestError"/>.</summary>
    private static async Task Answer<T>(HttpContext context, ModelHost models, ServeOptions options, Func<Lane, T> answer,
        Action<Utf8JsonWriter, List<T>, LoadedModel> write, Action<int> counted)
    {
        var limit = options.BodyLimit;
        if (context.Request.ContentLength > limit)
        {
            await BadRequest(context.Response, TooLarge(limit)).ConfigureAwait(false);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(context.Request.ContentLength ?? 16 * 1024, limit) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0) { break; }
                length += read;
                if (length > limit)
                {
                    await BadRequest(context.Response, TooLarge(limit)).ConfigureAwait(false);
                    return;
                }
            }
            var answers = new List<T>();
            // A lease on the current model, so a reload can't dispose it meanwhile, and one of its lanes.
            var model = models.Acquire();
            RequestError? error;
            try
            {
                var lane = await model.RentAsync(context.RequestAborted).ConfigureAwait(false);
                try
                {
                    error = Read(buffer.AsSpan(0, length), model, lane, options.MaxBatch, answers, answer);
                }
                finally
                {
                    model.Return(lane);
                }
            }
            finally
            {
                model.Release();
            }
            if (error is not null)
            {
                await BadRequest(context.Response, error).ConfigureAwait(false);
                return;
            }
            counted(answers.Count);
            await WriteJson(context.Response, StatusCodes.Status200OK, w => write(w, answers, model)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RequestError? Read<T>(ReadOnlySpan<byte> body, LoadedModel model, Lane lane, int maxBatch, List<T> answers, Func<Lane, T> answer)
    {
        try
        {
            PredictProtocol.Read(body, model, lane, maxBatch, answers, answer);
            return null;
        }
        catch (RequestException e)
        {
            return e.Error;
        }
    }

    private static RequestError TooLarge(long limit)
        => new(null, null, $"the body is over the size limit of {limit:N0} bytes", $"at most {limit:N0} bytes (--max-body-bytes)");

    private static void WritePredictions(Utf8JsonWriter w, List<RowPrediction> predictions)
    {
        w.WriteStartArray("predictions");
        foreach (var p in predictions)
        {
            w.WriteStartObject();
            // Shortest round-trip text: parsed back, each is the same double cvr predict writes.
            w.WriteNumber("is_installed", p.Installed);
            w.WriteNumber("is_clicked", p.Clicked);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static Task BadRequest(HttpResponse response, RequestError error) => WriteJson(response, StatusCodes.Status400BadRequest, w =>
    {
        w.WriteString("error", error.Message);
        if (error.Instance is { } i) { w.WriteNumber("instance", i); } else { w.WriteNull("instance"); }
        w.WriteString("field", error.Field);
        w.WriteString("problem", error.Problem);
        w.WriteString("expected", error.Expected);
    });

    /// <summary>One JSON object, with a Content-Length.</summary>
    private static async Task WriteJson(HttpResponse response, int status, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, s_writer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    private static Task WriteText(HttpResponse response, string text, string contentType)
    {
        response.ContentType = contentType;
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }
}
