using System.Reflection;
using System.Text.Json;

namespace Cvr.Data.Synthetic;

/// <summary>Writes truth/story.json: seed, scale, version, the story's parameters and calibrated intercepts.</summary>
internal static class StoryJson
{
    public static long Write(string path, World world, GeneratorOptions options, GenerationPlan plan)
    {
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("generator", "Cvr.Data.Synthetic");
            json.WriteString("generatorVersion", SyntheticData.GeneratorVersion);
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("scale", options.Scale);
            json.WriteNumber("trainRows", plan.TrainRows);
            json.WriteNumber("testRows", plan.TestRows);
            json.WriteNumber("trainShards", plan.Shards);
            json.WriteStartArray("trainRowsPerDay");
            foreach (int n in plan.TrainRowsPerDay) json.WriteNumberValue(n);
            json.WriteEndArray();

            json.WriteStartObject("intercepts");
            json.WriteNumber("like", world.LikeIntercept);
            json.WriteNumber("installGivenLike", world.InstallIntercept);
            json.WriteNumber("clickGivenInstall", world.ClickIntercept);
            json.WriteEndObject();

            json.WriteStartObject("targets");
            json.WriteNumber("likeRate", RealData.LikeRate);
            json.WriteNumber("installRate", RealData.InstallRate);
            json.WriteNumber("clickGivenInstall", RealData.ClickGivenInstall);
            json.WriteNumber("unseenAdShareTest", RealData.UnseenAdShareTest);
            json.WriteNumber("replayRateTrain", ShardWriter.ReplayRate(RealData.FirstTrainDay));
            json.WriteNumber("replayRateDay66", ShardWriter.ReplayRate(RealData.LastTrainDay));
            json.WriteNumber("replayRateTest", ShardWriter.ReplayRate(RealData.TestDay));
            json.WriteEndObject();

            json.WriteStartObject("parameters");
            foreach (var property in typeof(StoryParameters).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.PropertyType == typeof(double) || p.PropertyType == typeof(int))
                         .OrderBy(p => p.MetadataToken))
            {
                object value = property.GetValue(world.Parameters)!;
                if (value is double d) json.WriteNumber(property.Name, d);
                else json.WriteNumber(property.Name, (int)value);
            }
            json.WriteEndObject();

            json.WriteStartObject("world");
            json.WriteNumber("ads", world.Catalog.Ads.Length);
            json.WriteNumber("adsWithF64Tail", world.Catalog.Ads.Count(a => a.F64Tail));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return new FileInfo(path).Length;
    }
}
