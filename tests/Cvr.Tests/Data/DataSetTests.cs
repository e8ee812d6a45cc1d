using Cvr.Data;

namespace Cvr.Tests.Data;

public class DataSetTests
{
    private static DataSetOptions NoCache => new() { UseCache = false };

    [Fact]
    public void Load_ChallengeLayout_ReadsTrainAndTest()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text());
        dir.Write("test/000000000000.csv", "f_0\tf_1\tf_2\tf_30\tf_33\tf_42\tf_64\n1\t67\t100\t\t1\t0.5\t3\n");
        var set = DataSet.Load(dir.Path, NoCache);
        Assert.Equal(4, set.Train.RowCount);
        Assert.NotNull(set.Test);
        Assert.Equal(1, set.Test.RowCount);
        Assert.False(set.Test.HasLabels);
    }

    [Fact]
    public void Load_NoTestFolder_LoadsTrainOnly()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text());
        Assert.Null(DataSet.Load(dir.Path, NoCache).Test);
    }

    [Fact]
    public void Load_TestLacksAColumn_NamesIt()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text());
        dir.Write("test/000000000000.csv", "f_0\tf_1\tf_2\tf_33\tf_42\tf_64\n1\t67\t100\t1\t0.5\t3\n");
        var e = Assert.Throws<DataFormatException>(() => DataSet.Load(dir.Path, NoCache));
        Assert.Equal("test/000000000000.csv: line 1: the test header lacks f_30 (expected the training set's columns)", e.Message);
    }

    [Fact]
    public void Load_NoTrainFolder_SaysWhatIsExpected()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => DataSet.Load(dir.Path, NoCache));
        Assert.EndsWith("no train/ folder (expected the challenge layout: train/ and test/ holding TAB-separated shards)", e.Message);
    }
}
