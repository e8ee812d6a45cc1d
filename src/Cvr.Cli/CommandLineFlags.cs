namespace Cvr.Cli;

/// <summary>
/// The command line's names for the library's settings. A <see cref="ConfigurationException"/> of one setting names
/// it as the library knows it (<c>tree_rows</c>); the CLI's user typed a flag (<c>--tree-rows</c>), so the message
/// shown names the flag instead.
/// </summary>
internal static class CommandLineFlags
{
    /// <summary>Settings whose flag is not their name with dashes.</summary>
    private static readonly Dictionary<string, string> s_irregular = new(StringComparer.Ordinal)
    {
        ["members"] = "--mmoe",
        ["reload_interval"] = "--watch-interval",
    };

    /// <summary>The flag that sets <paramref name="setting"/>: <c>--</c> and its name with dashes, unless irregular.</summary>
    public static string For(string setting)
        => s_irregular.TryGetValue(setting, out var flag) ? flag : "--" + setting.Replace('_', '-');

    /// <summary>The fault's message, its setting (when it has one) named by its flag.</summary>
    public static string Worded(CvrException fault)
        => fault is ConfigurationException { Setting: { } setting } && fault.Message.StartsWith(setting, StringComparison.Ordinal)
            ? For(setting) + fault.Message[setting.Length..]
            : fault.Message;
}
