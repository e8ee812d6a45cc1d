namespace Cvr.LightGbm.Tests;

public class DatasetTests
{
    private static readonly TestData s_data = TestData.Create();

    [LightGbmFact]
    public void FromMatrix_RowMajor_ReportsShape()
    {
        using var dataset = s_data.ToDataset();
        Assert.Equal(s_data.Rows, dataset.RowCount);
        Assert.Equal(s_data.Columns, dataset.FeatureCount);
    }

    [LightGbmFact]
    public void FromMatrix_ColumnMajor_TrainsSameModelAsRowMajor()
    {
        using var rowMajor = s_data.ToDataset();
        using var columnMajor = Dataset.FromMatrix(s_data.ToColumnMajor(), s_data.Rows, s_data.Columns, TestData.Binary, MatrixLayout.ColumnMajor);
        columnMajor.SetLabel(s_data.Labels);
        using var a = TestData.Train(rowMajor, 10);
        using var b = TestData.Train(columnMajor, 10);
        Assert.Equal(a.SaveToString(), b.SaveToString());
    }

    [LightGbmFact]
    public void FromMatrix_WrongLength_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Dataset.FromMatrix(new float[10], 3, 4, TestData.Binary));
        Assert.Contains("Expected 3 × 4 = 12 values, got 10", error.Message, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void Fields_SetThenGet_RoundTrip()
    {
        using var dataset = s_data.ToDataset();
        var weights = Enumerable.Range(0, s_data.Rows).Select(i => 1f + (i % 3)).ToArray();
        var initScores = Enumerable.Range(0, s_data.Rows).Select(i => (i % 5) * 0.1).ToArray();
        dataset.SetWeight(weights);
        dataset.SetInitScore(initScores);
        Assert.Equal(s_data.Labels, dataset.GetLabel());
        Assert.Equal(weights, dataset.GetWeight());
        Assert.Equal(initScores, dataset.GetInitScore());
    }

    [LightGbmFact]
    public void SetLabel_WrongCount_Throws()
    {
        using var dataset = s_data.ToDataset();
        Assert.Throws<ArgumentException>(() => dataset.SetLabel(new float[3]));
    }

    [LightGbmFact]
    public void SetFeatureNames_ThousandCharacterName_RoundTripsThroughDatasetAndModel()
    {
        var names = Enumerable.Range(0, s_data.Columns).Select(i => $"f{i}").ToArray();
        names[3] = new string('x', 999) + "3";
        using var dataset = s_data.ToDataset();
        dataset.SetFeatureNames(names);
        Assert.Equal(names, dataset.GetFeatureNames());

        using var booster = TestData.Train(dataset, 3);
        Assert.Equal(names, booster.GetFeatureNames());
        using var reloaded = Booster.LoadFromString(booster.SaveToString());
        Assert.Equal(names, reloaded.GetFeatureNames());
    }

    [LightGbmFact]
    public void CreateValidation_WithReference_IsEvaluated()
    {
        using var train = s_data.ToDataset();
        var test = TestData.Create(500, s_data.Columns, seed: 11);
        using var validation = train.CreateValidation(test.Features, test.Rows);
        validation.SetLabel(test.Labels);
        using var booster = Booster.Create(train, TestData.Binary);
        booster.AddValidation(validation, "valid");
        for (var i = 0; i < 10; i++)
        {
            booster.UpdateOneIteration();
        }
        var auc = booster.EvaluateAll().Single(e => e.DataName == "valid" && e.MetricName == "auc").Value;
        Assert.InRange(auc, 0.7, 1.0);
    }

    [LightGbmFact]
    public void FromMatrix_CategoricalFeature_IsUsedAsCategorical()
    {
        var data = TestData.Create();
        for (var r = 0; r < data.Rows; r++)
        {
            data.Features[(r * data.Columns) + 5] = r % 4;
        }
        var parameters = TestData.Binary with { CategoricalFeatures = [5] };
        using var dataset = data.ToDataset(parameters);
        using var booster = TestData.Train(dataset, 5, parameters);
        Assert.Contains("[categorical_feature: 5]", booster.SaveToString(), StringComparison.Ordinal);
    }
}
