using Cvr.Data;

namespace Cvr.Tests.Data;

public class CategoricalColumnTests
{
    // Levels 3, 7, 42 (ascending); rows: 42, missing, 3, 7, missing.
    private static readonly CategoricalColumn s_column = new("f_6", [2, CategoricalColumn.Missing, 0, 1, CategoricalColumn.Missing], [3, 7, 42]);

    [Fact]
    public void Decode_AllRows_GivesRawValuesAndTheFillForMissing()
    {
        var floats = new float[5];
        s_column.Decode(null, float.NaN, floats.AsSpan());
        Assert.Equal([42f, float.NaN, 3f, 7f, float.NaN], floats);
        var ints = new int[5];
        s_column.Decode(null, -9, ints.AsSpan());
        Assert.Equal([42, -9, 3, 7, -9], ints);
    }

    [Fact]
    public void Decode_SelectedRows_FollowsTheSelectionOrder()
    {
        var output = new float[4];
        s_column.Decode([3, 1, 0, 0], 0f, output.AsSpan());
        Assert.Equal([7f, 0f, 42f, 42f], output);
    }

    [Fact]
    public void Decode_OutputOfTheWrongLength_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => s_column.Decode([0, 1], 0f, new float[3].AsSpan()));
        Assert.StartsWith("the output holds 3 values for 2 rows of f_6", e.Message);
    }
}
