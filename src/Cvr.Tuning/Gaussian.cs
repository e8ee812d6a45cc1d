namespace Cvr.Tuning;

/// <summary>
/// The standard normal's cdf and its logarithm, with the care a Parzen estimator needs far in the tails: .NET has
/// no erf, erfc, log1p or expm1, so they are here. The structure (work in log space, use symmetry so only the
/// left tail is ever evaluated, an asymptotic series below -20) follows SciPy's ndtr/log_ndtr as vendored by
/// Optuna in optuna/samplers/_tpe/_truncnorm.py; erfc is fdlibm's (see <see cref="Erfc"/>).
/// </summary>
internal static partial class Gaussian
{
    /// <summary>log(sqrt(2 pi)), the normaliser of the standard normal density.</summary>
    public const double LogSqrt2Pi = 0.91893853320467274178;

    /// <summary>Below this, log Phi(a) comes from the asymptotic series rather than log(Phi(a)).</summary>
    private const double AsymptoticBelow = -20;

    /// <summary>-1.25 sqrt(2): below this, erfc(-a / sqrt 2) is in fdlibm's exponential-times-rational range.</summary>
    private const double LeftTailBelow = -1.7677669529663689;

    public static double LogPdf(double x) => -0.5 * x * x - LogSqrt2Pi;

    /// <summary>Phi(a) = P(Z &lt;= a), with full relative precision in the left tail.</summary>
    public static double Cdf(double a)
    {
        if (a < LeftTailBelow)
        {
            return LeftTail(a, log: false);
        }
        if (a < -1)
        {
            return 0.5 * Erfc(-a / Math.Sqrt(2));
        }
        return a < 1 ? 0.5 + 0.5 * ErfSmall(a / Math.Sqrt(2)) : 1 - Cdf(-a);
    }

    /// <summary>log Phi(a), finite down to a = -1e154 or so.</summary>
    public static double LogCdf(double a)
    {
        if (double.IsNaN(a))
        {
            return double.NaN;
        }
        if (a > 0)
        {
            // Phi(a) is 1 - (a left-tail value): take the log of that form, or the small tail's digits are lost.
            return Log1p(-Cdf(-a));
        }
        if (a >= AsymptoticBelow)
        {
            return a < LeftTailBelow ? LeftTail(a, log: true) : Math.Log(Cdf(a));
        }
        if (double.IsNegativeInfinity(a))
        {
            return double.NegativeInfinity;
        }
        // log Phi(a) = log(phi(a) / -a) + log(1 - 1/a^2 + 3/a^4 - 15/a^6 + ...), summed until it stops changing.
        double logLeading = -0.5 * a * a - Math.Log(-a) - LogSqrt2Pi;
        double total = 1, last = 0, term = 1, inverseSquare = 1 / (a * a);
        for (int i = 1; Math.Abs(total - last) > double.Epsilon && i < 100; i++)
        {
            last = total;
            term *= -(2 * i - 1) * inverseSquare;
            total += term;
        }
        return logLeading + Math.Log(total);
    }

    /// <summary>log(Phi(b) - Phi(a)) for a &lt;= b: the log of the normal mass in [a, b].</summary>
    public static double LogMass(double a, double b)
    {
        if (!(a <= b))
        {
            return double.NaN;
        }
        if (a == b)
        {
            return double.NegativeInfinity;
        }
        // A narrow interval would lose digits to cancellation in Phi(b) - Phi(a): integrate the density instead.
        if ((b - a) * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))) < NarrowInterval)
        {
            return LogMassByQuadrature(a, b);
        }
        if (b <= 0)
        {
            return LogDiff(LogCdf(b), LogCdf(a));
        }
        if (a > 0)
        {
            return LogMass(-b, -a);
        }
        // Straddling zero: both tails are small, so 1 - tails keeps its digits.
        return Log1p(-Cdf(a) - Cdf(-b));
    }

    /// <summary>The inverse of <see cref="LogCdf"/>: x with log Phi(x) = y, for y &lt;= 0.</summary>
    public static double InverseLogCdf(double y)
    {
        if (double.IsNaN(y) || y > 0)
        {
            return double.NaN;
        }
        if (y == 0)
        {
            return double.PositiveInfinity;
        }
        if (y > -Math.Log(2))
        {
            // Right half: solve in the left tail of the complement, where the digits are.
            return -InverseLogCdfLeft(Math.Log(-Expm1(y)));
        }
        return InverseLogCdfLeft(y);
    }

    /// <summary>log(exp(p) + exp(q)).</summary>
    public static double LogAddExp(double p, double q)
    {
        if (double.IsNegativeInfinity(p))
        {
            return q;
        }
        if (double.IsNegativeInfinity(q))
        {
            return p;
        }
        double max = Math.Max(p, q);
        return max + Log1p(Math.Exp(-Math.Abs(p - q)));
    }

    /// <summary>log(exp(p) - exp(q)) for p &gt;= q.</summary>
    public static double LogDiff(double p, double q) => p + Log1p(-Math.Exp(q - p));

    /// <summary>log(1 + x), accurate for small x (Goldberg 1991, "What every computer scientist...", thm 4).</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1)
        {
            return x;
        }
        return double.IsInfinity(u) ? u : Math.Log(u) * (x / (u - 1));
    }

    /// <summary>exp(x) - 1, accurate for small x (Kahan's trick).</summary>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }
        double um1 = u - 1;
        if (um1 == -1)
        {
            return -1;
        }
        return double.IsInfinity(u) ? u : um1 * (x / Math.Log(u));
    }

    /// <summary>Newton's method on the concave log Phi: from any start the iterates approach the root monotonically.</summary>
    private static double InverseLogCdfLeft(double y)
    {
        if (double.IsNegativeInfinity(y))
        {
            return double.NegativeInfinity;
        }
        double x;
        if (y > -2.5)
        {
            // Logistic approximation Phi(x) ~ 1 / (1 + exp(-1.702 x)).
            double p = Math.Exp(y);
            x = Math.Log(p / (1 - p)) / 1.702;
        }
        else
        {
            // From log Phi(x) ~ -x^2/2 - log(-x sqrt(2 pi)).
            double t = -2 * y;
            x = -Math.Sqrt(Math.Max(t - Math.Log(2 * Math.PI * t), 1));
        }
        for (int i = 0; i < MaxNewtonSteps; i++)
        {
            double logCdf = LogCdf(x);
            double step = (logCdf - y) / Math.Exp(LogPdf(x) - logCdf);
            x -= step;
            if (Math.Abs(step) <= 4 * double.Epsilon + 1e-15 * Math.Abs(x))
            {
                break;
            }
        }
        return x;
    }

    private const int MaxNewtonSteps = 100;

    /// <summary>Width (times the larger |end|) under which <see cref="LogMass"/> integrates by quadrature.</summary>
    private const double NarrowInterval = 0.1;

    // 5-point Gauss-Legendre on [-1, 1]: exact for polynomials of degree 9, so for a density that changes by at most
    // a factor e^0.1 over the interval the error is far below double precision.
    private static readonly double[] s_nodes = [0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640, 0.9061798459386640];
    private static readonly double[] s_weights = [128.0 / 225, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891, 0.2369268850561891];

    private static double LogMassByQuadrature(double a, double b)
    {
        double mid = 0.5 * (a + b), half = 0.5 * (b - a);
        double logMid = LogPdf(mid);
        double sum = 0;
        for (int i = 0; i < s_nodes.Length; i++)
        {
            sum += s_weights[i] * Math.Exp(LogPdf(mid + half * s_nodes[i]) - logMid);
        }
        return logMid + Math.Log(half * sum);
    }
}
