using System.Buffers;
using System.Text;
using System.Text.Json;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling.Explaining;

[Trait("Category", "LightGbm")]
public class ExplainerTests(TrainedFixture fixture) : IClassFixture<TrainedFixture>
{
    [Fact]
    public void Explain_EveryRowAndBooster_ExpectedValuePlusContributionsIsTheRawScore()
    {
        using var system = Load();
        var test = Test();
        var explained = new Explainer(system).Explain(test, All(test), threads: 1).ToArray();
        var probabilities = system.PredictRaw(test);
        Assert.Equal(test.RowCount, explained.Length);
        Assert.Equal(["like", "install", "e2e", "click"], explained[0].Boosters.Select(b => b.Model));
        for (var i = 0; i < explained.Length; i++)
        {
            foreach (var booster in explained[i].Boosters)
            {
                var sum = booster.ExpectedValue + booster.Values.Sum();
                Assert.True(Math.Abs(sum - booster.RawScore) <= 1e-9, $"row {i}, {booster.Model}: {sum:R} ≠ raw score {booster.RawScore:R}");
                // The raw score is the served model's (best iteration): its probability is what scoring gives.
                var p = BinaryLink.Of(system.Models[booster.Model].Booster)!.Probability(booster.RawScore);
                Assert.Equal(probabilities[booster.Model][i], p, 1e-12);
            }
        }
    }

    [Fact]
    public void Explain_Installed_IsTheScoredProbabilityAndBaseMembersAndSharesAddUpToIt()
    {
        using var system = Load();
        var test = Test();
        var scores = system.Score(test);
        var explained = new Explainer(system).Explain(test, All(test), threads: 1).ToArray();
        var signed = 0;
        for (var i = 0; i < explained.Length; i++)
        {
            var row = explained[i];
            Assert.Equal(BitConverter.DoubleToInt64Bits(scores.Ensemble[i]), BitConverter.DoubleToInt64Bits(row.Prediction.Installed));
            Assert.Equal(scores.Click![i], row.Prediction.Clicked);
            var a = row.Installed;
            var sum = a.Base + a.Members.Values.Sum() + a.Values.Sum();
            Assert.True(Math.Abs(sum - a.Value) <= 1e-9, $"row {i}: base + shares {sum:R} ≠ is_installed {a.Value:R}");
            // The rescale rule keeps each booster's sign: a feature pushing all three boosters one way is shared that way.
            for (var j = 0; j < a.Values.Length; j++)
            {
                var signs = row.Boosters.Take(3).Select(b => Math.Sign(b.Values[j])).Distinct().ToArray();
                if (signs is [var s] && s != 0)
                {
                    Assert.Equal(s, Math.Sign(a.Values[j]));
                    signed++;
                }
            }
        }
        Assert.True(signed > explained.Length, $"only {signed} features pushed all three boosters one way");
    }

    [Fact]
    public void Explain_OneAndTwoThreads_GiveTheSameBits()
    {
        using var system = Load();
        var test = Test();
        var explainer = new Explainer(system);
        Assert.Equal(Json(explainer, explainer.Explain(test, All(test), threads: 1)), Json(explainer, explainer.Explain(test, All(test), threads: 2)));
    }

    [Fact]
    public void RowExplainer_EveryRow_GivesTheBatchBits()
    {
        using var system = Load();
        var test = Test();
        var explainer = new Explainer(system);
        var batch = explainer.Explain(test, All(test), threads: 2).ToArray();
        using var scorer = new RowScorer(system);
        using var rows = explainer.CreateRowExplainer(scorer);
        var row = scorer.CreateRow();
        for (var i = 0; i < test.RowCount; i++)
        {
            row.CopyFrom(test, i);
            Assert.Equal(Json(explainer, [batch[i]]), Json(explainer, [rows.Explain(row)]));
        }
    }

    [Fact]
    public void RowExplainer_BesideTheScorerOnTheSameBoosters_FromTwoThreads_NeverMixes()
    {
        using var system = Load();
        var test = Test();
        var explainer = new Explainer(system);
        // A scorer (and its explainer) is used by one thread at a time; two threads take one each, on the same boosters.
        using var scorer = new RowScorer(system);
        using var rows = explainer.CreateRowExplainer(scorer);
        using var other = new RowScorer(system);
        var expected = explainer.Explain(test, All(test), threads: 1).Select(e => Json(explainer, [e])).ToArray();
        var scores = system.Score(test).Ensemble;
        var failures = 0;
        Parallel.Invoke(
            () => Repeat(i => rows.Explain(Row(scorer, test, i)) is var e && Json(explainer, [e]) == expected[i]),
            () => Repeat(i => other.Score(Row(other, test, i)).Installed == scores[i]));
        Assert.Equal(0, failures);

        void Repeat(Func<int, bool> same)
        {
            for (var k = 0; k < 3 * test.RowCount; k++)
            {
                if (!same(k % test.RowCount)) { Interlocked.Increment(ref failures); }
            }
        }
    }

    private static RawRow Row(RowScorer scorer, Frame frame, int i)
    {
        var row = scorer.CreateRow();
        row.CopyFrom(frame, i);
        return row;
    }

    private static string Json(Explainer explainer, IEnumerable<RowExplanation> rows)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, ExplanationJson.WriterOptions))
        {
            w.WriteStartArray();
            foreach (var row in rows) { ExplanationJson.Write(w, row, explainer.FeatureNames, top: 0); }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private TrainedSystem Load() => ModelBundleLoader.Load(fixture.ModelDir).System;

    private Frame Test() => DataSet.ReadSplit(fixture.DataDir, Path.Combine(fixture.DataDir, DataSet.TestFolder), requireLabels: false, fixture.DataOptions, NullLogger.Instance);

    private static int[] All(Frame frame) => [.. Enumerable.Range(0, frame.RowCount)];
}
