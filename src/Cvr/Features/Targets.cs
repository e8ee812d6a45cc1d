using Cvr.Data;

namespace Cvr.Features;

/// <summary>The labels a model or an encoder can learn: the two given ones and is_like = clicked OR installed.</summary>
public static class Targets
{
    public const string Installed = Schema.InstallLabel;
    public const string Clicked = Schema.ClickLabel;
    public const string Like = "is_like";

    /// <summary>is_installed among liked rows only (stage 2's target): encoders of it count liked rows, as the
    /// authors fitted stage 2's encoders on the liked rows.</summary>
    public const string InstalledGivenLike = "is_installed_given_like";

    public static bool IsKnown(string name) => name is Installed or Clicked or Like or InstalledGivenLike;

    /// <summary>Which rows a target's statistics count: null for every row, else 1 for the rows in its sample space
    /// (the liked rows of <see cref="InstalledGivenLike"/>), 0 for the others.</summary>
    public static byte[]? SampleSpace(Frame frame, string target) => SampleSpaceOf(target) is { } space ? Values(frame, space) : null;

    /// <summary>The target whose 1s are <paramref name="target"/>'s sample space, or null for every row.</summary>
    public static string? SampleSpaceOf(string target) => target == InstalledGivenLike ? Like : null;

    /// <summary>The 0/1 values of a target for every row of a labelled frame.</summary>
    public static byte[] Values(Frame frame, string target)
    {
        if (!frame.HasLabels)
        {
            throw new InvalidOperationException($"the frame has no labels, so '{target}' can't be computed");
        }
        switch (target)
        {
            case Installed:
            case Clicked:
                return frame.Label(target).Values;
            case InstalledGivenLike:
                return frame.Label(Installed).Values;
            case Like:
                var clicked = frame.Label(Clicked).Values;
                var installed = frame.Label(Installed).Values;
                var like = new byte[frame.RowCount];
                for (var i = 0; i < like.Length; i++)
                {
                    like[i] = (byte)(clicked[i] | installed[i]);
                }
                return like;
            default:
                throw new ArgumentException($"unknown target '{target}' (expected is_installed, is_clicked, is_like or is_installed_given_like)", nameof(target));
        }
    }
}
