namespace Cvr.LightGbm.Tests;

public class EditDistanceTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("num_leaf", "num_leaves", 3)]
    [InlineData("flaw", "lawn", 2)]
    public void Levenshtein_KnownPairs_ReturnsTextbookDistance(string a, string b, int expected)
    {
        Assert.Equal(expected, EditDistance.Levenshtein(a, b));
        Assert.Equal(expected, EditDistance.Levenshtein(b, a));
    }
}
