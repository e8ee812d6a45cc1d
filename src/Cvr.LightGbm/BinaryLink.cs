namespace Cvr.LightGbm;

/// <summary>
/// The binary objective's link from raw score to probability, as LightGBM computes it
/// (<c>BinaryLogloss::ConvertOutput</c>: <c>1 / (1 + exp(-sigmoid * raw))</c>), with the model's own sigmoid
/// parameter (the <c>sigmoid:</c> part of the text model's objective line; 1 unless trained otherwise).
/// </summary>
public sealed record BinaryLink(double Sigmoid)
{
    public double Probability(double raw) => 1.0 / (1.0 + Math.Exp(-Sigmoid * raw));

    /// <summary>The link of a binary model; null for any other objective (none, regression, …).</summary>
    /// <exception cref="FormatException">A binary objective line without its sigmoid.</exception>
    public static BinaryLink? Of(Booster booster)
    {
        ArgumentNullException.ThrowIfNull(booster);
        // The header is all that is read: one iteration keeps the text short.
        var header = new ModelText(booster.SaveToString(0, 1)).ReadBlock();
        return FromObjective(header.GetValueOrDefault("objective", ""));
    }

    /// <summary>From a text model's objective line (e.g. <c>binary sigmoid:1</c>); null when it is not binary.</summary>
    internal static BinaryLink? FromObjective(string objective)
    {
        if (!objective.StartsWith("binary", StringComparison.Ordinal)) { return null; }
        foreach (var part in objective.Split(' '))
        {
            if (part.StartsWith("sigmoid:", StringComparison.Ordinal))
            {
                return new BinaryLink(ModelText.Double(part["sigmoid:".Length..], "objective sigmoid"));
            }
        }
        throw new FormatException($"objective line \"{objective}\" has no sigmoid");
    }
}
