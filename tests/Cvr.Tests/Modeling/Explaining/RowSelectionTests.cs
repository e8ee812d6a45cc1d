using Cvr.Modeling.Explaining;

namespace Cvr.Tests.Modeling.Explaining;

public class RowSelectionTests
{
    private static readonly long[] s_ids = [10, 11, 12, 20, 30, 31];

    [Theory]
    [InlineData("11", new[] { 1 })]
    [InlineData("30,10", new[] { 0, 4 })]
    [InlineData("11-20", new[] { 1, 2, 3 })]
    [InlineData("12, 10-11 ,12", new[] { 0, 1, 2 })]
    [InlineData("0-100", new[] { 0, 1, 2, 3, 4, 5 })]
    public void Positions_IdsAndRanges_SelectRowsInDataOrderOnce(string text, int[] expected)
        => Assert.Equal(expected, RowSelection.Parse(text).Positions(s_ids, "data/test"));

    [Theory]
    [InlineData("abc", "--rows \"abc\": item 1 \"abc\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData("10,,12", "--rows \"10,,12\": item 2 \"\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData("10,-3", "--rows \"10,-3\": item 2 \"-3\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData("5-x", "--rows \"5-x\": item 1 \"5-x\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData("1-2-3", "--rows \"1-2-3\": item 1 \"1-2-3\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData("9-3", "--rows \"9-3\": item 1 \"9-3\" ends before it starts")]
    public void Parse_BadItem_NamesItAndItsPosition(string text, string message)
        => Assert.Equal(message, Assert.Throws<ConfigurationException>(() => RowSelection.Parse(text)).Message);

    [Theory]
    [InlineData("10,13", "--rows \"10,13\": item 2 \"13\" is not a row id of data/test")]
    [InlineData("13-19,10", "--rows \"13-19,10\": item 1 \"13-19\" holds no row id of data/test")]
    public void Positions_ItemMatchingNoRow_IsAnError(string text, string message)
        => Assert.Equal(message, Assert.Throws<ConfigurationException>(() => RowSelection.Parse(text).Positions(s_ids, "data/test")).Message);
}
