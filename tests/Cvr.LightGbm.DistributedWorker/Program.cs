using System.Globalization;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;

// Usage: worker <rank> <port0,port1,...> <output model path>
// Every rank generates the same synthetic rows from a fixed seed and keeps every n-th row (its partition),
// joins the network, bins its rows, trains data-parallel and writes the model string.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Cvr.LightGbm.DistributedWorker <rank> <port0,port1,...> <model.txt>");
    return 2;
}
var rank = int.Parse(args[0], CultureInfo.InvariantCulture);
var ports = args[1].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
var machineCount = ports.Length;

const int Rows = 4000;
const int Columns = 6;
var random = new Random(123);
var features = new List<float>();
var labels = new List<float>();
for (var r = 0; r < Rows; r++)
{
    var row = new float[Columns];
    for (var c = 0; c < Columns; c++)
    {
        row[c] = (float)random.NextDouble();
    }
    var logit = (3 * row[0]) - (2 * row[1]) + row[2] - 1;
    var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1f : 0f;
    if (r % machineCount == rank)
    {
        features.AddRange(row);
        labels.Add(label);
    }
}

// The network must be up before any dataset is built: bin boundaries are agreed across ranks while binning.
using var network = Network.Initialize(Network.Localhost(ports), ports[rank], timeoutMinutes: 1);
var parameters = network.Configure(new LightGbmParameters
{
    Objective = "binary",
    Metrics = ["auc"],
    NumLeaves = 15,
    LearningRate = 0.1,
    NumThreads = 1,
    Seed = 1,
    Deterministic = true,
    ForceColWise = true,
    Verbosity = -1,
});
using var train = Dataset.FromMatrix(features.ToArray(), labels.Count, Columns, parameters);
train.SetLabel(labels.ToArray());
var result = Trainer.Train(parameters, train, 20);
using var booster = result.Booster;
File.WriteAllText(args[2], booster.SaveToString());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank}: {labels.Count} rows, {result.IterationsRun} iterations"));
return 0;
