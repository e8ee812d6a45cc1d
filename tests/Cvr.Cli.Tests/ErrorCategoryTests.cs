using System.CommandLine;
using System.Text.RegularExpressions;

namespace Cvr.Cli.Tests;

/// <summary>One error base: every fault the library reports carries a category, the CLI maps each category to its exit
/// code in one place, and library messages name settings, not the CLI's flags.</summary>
public partial class ErrorCategoryTests
{
    [Fact]
    public void ExitCodes_EveryCategory_HasItsOwnDocumentedCode()
    {
        var codes = Enum.GetValues<ErrorCategory>().Select(ExitCodes.Of).ToArray();

        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.DoesNotContain(ExitCodes.InternalError, codes);
        Assert.Equal([ExitCodes.Usage, ExitCodes.DataError, ExitCodes.ModelError], codes);
    }

    [Fact]
    public void EveryFaultType_OfTheLibrary_IsACvrException()
    {
        var faults = new[] { typeof(ConfigurationException), typeof(Cvr.Data.DataFormatException), typeof(DataContentException), typeof(Cvr.Modeling.ModelBundleException),
            typeof(Cvr.Features.FeatureConfigException) };
        Assert.All(faults, t => Assert.True(t.IsSubclassOf(typeof(CvrException)), t.Name));
        // Any other exception type the core assembly defines would be a fault outside the mapping.
        var defined = typeof(CvrException).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Exception)) && t != typeof(CvrException));
        Assert.All(defined, t => Assert.True(t.IsSubclassOf(typeof(CvrException)), $"{t.FullName} is not a CvrException"));
    }

    [Fact]
    public void SettingFault_NamesTheSettingInTheLibraryAndTheFlagOnTheCommandLine()
    {
        var e = Assert.Throws<ConfigurationException>(() => new Cvr.Modeling.TrainingOptions { TreeRows = -1 }.Validate());

        Assert.Equal("tree_rows", e.Setting);
        Assert.StartsWith("tree_rows must be a number of rows", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("--tree-rows must be a number of rows", CommandLineFlags.Worded(e), StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLineFlags_IrregularSettings_AreOptionsOfTheCommandLine()
    {
        var root = Program.CreateRoot(new CliContext(TextWriter.Null, TextWriter.Null, Program.MemberKinds()));
        var flags = Commands(root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);

        foreach (var setting in new[] { "members", "reload_interval", "tree_rows", "select_features", "max_batch", "scorers", "max_body_bytes", "urls",
            "machines", "rank", "network_timeout", "scale", "train_shards", "out", "top", "validation_day", "baseline" })
        {
            Assert.Contains(CommandLineFlags.For(setting), flags);
        }
    }

    /// <summary>The library (core, serving, deep model) words its faults for any caller: a message that names a flag
    /// of the command line (<c>--tree-rows</c>) would be wrong for a library caller, who set a property.</summary>
    [Fact]
    public void LibraryMessages_NameNoCommandLineFlag()
    {
        var root = Repository.Root();
        var offenders = new List<string>();
        foreach (var project in new[] { "Cvr", "Cvr.Serve", "Cvr.Deep", "Cvr.LightGbm", "Cvr.Tuning" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src", project), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) { continue; }
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (FaultNamingAFlag().IsMatch(lines[i])) { offenders.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}"); }
                }
            }
        }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [GeneratedRegex("""(Configuration|DataContent|ModelBundle)Exception\(\$?"[^"]*--[a-z]""")]
    private static partial Regex FaultNamingAFlag();

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);
}
