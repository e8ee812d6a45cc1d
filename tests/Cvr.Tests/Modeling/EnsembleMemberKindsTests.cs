using Cvr.Modeling;
using Cvr.Modeling.Tuning;

namespace Cvr.Tests.Modeling;

public class EnsembleMemberKindsTests
{
    private static TrainingOptions WithSection(string kind, string key, string value, params string[] members) => new()
    {
        Members = members,
        Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { [kind] = new Dictionary<string, string> { [key] = value } },
        ParametersSource = "params.json",
    };

    [Fact]
    public void TwoInstances_InOneProcess_DoNotSeeEachOthersKinds()
    {
        var alpha = new EnsembleMemberKinds(new StubMemberKind("alpha"));
        var beta = new EnsembleMemberKinds(new StubMemberKind("beta"));

        Assert.Equal(["alpha"], alpha.Names);
        Assert.Equal(["beta"], beta.Names);
        Assert.False(beta.TryGet("alpha", out _));
        Assert.Empty(EnsembleMemberKinds.Empty.Names);
        var options = new TrainingOptions { Members = ["alpha"] };
        options.Validate(alpha);
        var e = Assert.Throws<ConfigurationException>(() => options.Validate(beta));
        Assert.Equal("unknown ensemble member 'alpha' (expected beta)", e.Message);
    }

    [Fact]
    public void Validate_MemberWithoutKinds_SaysHowToGiveThem()
    {
        var e = Assert.Throws<ConfigurationException>(() => new TrainingOptions { Members = ["alpha"] }.Validate());

        Assert.Equal("unknown ensemble member 'alpha' (expected none: no member kinds were given to this program (pass an EnsembleMemberKinds that holds them))", e.Message);
    }

    [Fact]
    public void Constructor_TwoKindsOfOneName_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new EnsembleMemberKinds(new StubMemberKind("alpha"), new StubMemberKind("alpha")));

        Assert.StartsWith("two ensemble member kinds are named 'alpha'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SectionKeyedByAKind_IsCheckedByThatKind_EvenWhenItIsNoMember()
    {
        var kind = new StubMemberKind("alpha");
        var kinds = new EnsembleMemberKinds(kind);

        WithSection("alpha", "depth", "3").Validate(kinds);
        var e = Assert.Throws<ConfigurationException>(() => WithSection("alpha", "width", "3").Validate(kinds));

        Assert.Equal("params.json: parameters of 'alpha': width: not accepted", e.Message);
        Assert.Equal([("3", "params.json"), (null, "params.json")], kind.Seen.Select(s => (s.Section!.GetValueOrDefault("depth"), s.Source)));
    }

    [Fact]
    public void Validate_SectionOfNoModelAndNoKind_ListsTheKindsGiven()
    {
        var e = Assert.Throws<ConfigurationException>(() => WithSection("gamma", "depth", "3").Validate(new EnsembleMemberKinds(new StubMemberKind("alpha"))));

        Assert.Equal("params.json: LightGBM parameters given for unknown model 'gamma' (expected all, e2e, like, install, click, baseline, alpha)", e.Message);
    }

    [Fact]
    public void SearchSpaces_For_AKindsName_IsItsOwnSpace()
    {
        var space = SearchSpaces.For("alpha", new EnsembleMemberKinds(new StubMemberKind("alpha")));

        Assert.Equal(["depth"], space.Select(p => p.Key));
        Assert.Throws<ConfigurationException>(() => SearchSpaces.For("alpha"));
    }
}
