namespace Cvr.Tests.Data;

/// <summary>Small hand-written files in the challenge layout.</summary>
internal static class Samples
{
    public const string Header = "f_0\tf_1\tf_2\tf_30\tf_33\tf_42\tf_64\tis_clicked\tis_installed";

    /// <summary>Four rows: a missing categorical (f_30), missing numerics, a CRLF-free plain layout.</summary>
    public static readonly string[] Rows =
    [
        "1\t45\t100\t0\t1\t0.03856407\t5.6e7\t1\t1",
        "2\t45\t7\t\t0\t0\t\t0\t0",
        "3\t46\t100\t1\t1\t1.5\t12\t0\t1",
        "4\t47\t-3\t0\t0\t-2.25\t0.5\t1\t0",
    ];

    public static string Text(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    public static string Text() => Text(Rows);
}
