namespace Cvr.Tuning;

/// <summary>
/// A float or int distribution as samplers see it: the space they draw in is log(x) for log distributions, and a
/// stepped range is widened by half a step at each end so that the end points get a whole cell (Optuna does the
/// same in _ParzenEstimator and _SearchSpaceTransform).
/// </summary>
internal readonly record struct NumericSpace(double Low, double High, bool Log, double Step, double Lo, double Hi)
{
    public static NumericSpace Of(ParamDistribution distribution)
    {
        var (low, high, log, step) = distribution switch
        {
            FloatDistribution f => (f.Low, f.High, f.Log, f.Step ?? 0),
            IntDistribution i => ((double)i.Low, (double)i.High, i.Log, (double)i.Step),
            _ => throw new ArgumentException($"{distribution} is not numeric."),
        };
        double lo = low - step / 2, hi = high + step / 2;
        return log
            ? new NumericSpace(low, high, log, step, Math.Log(lo), Math.Log(hi))
            : new NumericSpace(low, high, log, step, lo, hi);
    }

    public bool IsDiscrete => Step > 0;

    public double Transform(double value) => Log ? Math.Log(value) : value;

    /// <summary>Back from the sampling space: exp for log scales, then onto the step grid, then into [Low, High].</summary>
    public double Untransform(double t)
    {
        double value = Log ? Math.Exp(t) : t;
        if (IsDiscrete)
        {
            // Math.Round rounds half to even, like numpy.round in Optuna.
            value = Low + Math.Round((value - Low) / Step) * Step;
        }
        return Math.Clamp(value, Low, High);
    }

    /// <summary>The cell of a grid value in the sampling space: what a discrete kernel's mass is measured over.</summary>
    public (double From, double To) Cell(double value) =>
        (Transform(value - Step / 2), Transform(value + Step / 2));
}
