namespace Edge.Models.Statistical.TimeSeries;

/// <summary>
/// The Nelder–Mead simplex minimiser (J. A. Nelder, R. Mead, "A simplex method for function minimization", Computer
/// Journal 7, 1965) with the standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½; J. C. Lagarias
/// et al., SIAM J. Optim. 9, 1998). Unconstrained: callers map the parameters to their ranges themselves.
/// </summary>
internal static class NelderMead
{
    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/>; returns the best point and its value.</summary>
    public static (double[] X, double F) Minimize(Func<double[], double> f, double[] start, double step = 0.5, int maxEvaluations = 300, double tolerance = 1e-9)
    {
        var n = start.Length;
        if (n == 0)
        {
            return ([], f([]));
        }

        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            simplex[i] = (double[])start.Clone();
            if (i > 0)
            {
                simplex[i][i - 1] += step;
            }

            values[i] = Safe(f(simplex[i]));
        }

        var evaluations = n + 1;
        var centroid = new double[n];
        var trial = new double[n];
        var trial2 = new double[n];
        var order = new int[n + 1];
        while (evaluations < maxEvaluations)
        {
            for (var i = 0; i <= n; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
            var best = order[0];
            var worst = order[n];
            var second = order[n - 1];
            if (Math.Abs(values[worst] - values[best]) <= tolerance * (Math.Abs(values[best]) + tolerance))
            {
                break;
            }

            Array.Clear(centroid);
            for (var i = 0; i <= n; i++)
            {
                if (i == worst)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    centroid[j] += simplex[i][j] / n;
                }
            }

            Along(centroid, simplex[worst], 1, trial);
            var fr = Safe(f(trial));
            evaluations++;
            if (fr < values[best])
            {
                Along(centroid, simplex[worst], 2, trial2);
                var fe = Safe(f(trial2));
                evaluations++;
                if (fe < fr)
                {
                    Replace(simplex, values, worst, trial2, fe);
                }
                else
                {
                    Replace(simplex, values, worst, trial, fr);
                }
            }
            else if (fr < values[second])
            {
                Replace(simplex, values, worst, trial, fr);
            }
            else
            {
                // Contract toward the better of the worst point and its reflection.
                var outside = fr < values[worst];
                Along(centroid, simplex[worst], outside ? 0.5 : -0.5, trial2);
                var fc = Safe(f(trial2));
                evaluations++;
                if (fc < (outside ? fr : values[worst]))
                {
                    Replace(simplex, values, worst, trial2, fc);
                }
                else
                {
                    for (var i = 0; i <= n; i++)
                    {
                        if (i == best)
                        {
                            continue;
                        }

                        for (var j = 0; j < n; j++)
                        {
                            simplex[i][j] = simplex[best][j] + (0.5 * (simplex[i][j] - simplex[best][j]));
                        }

                        values[i] = Safe(f(simplex[i]));
                        evaluations++;
                    }
                }
            }
        }

        var arg = 0;
        for (var i = 1; i <= n; i++)
        {
            if (values[i] < values[arg])
            {
                arg = i;
            }
        }

        return (simplex[arg], values[arg]);
    }

    /// <summary>centroid + t · (centroid − worst).</summary>
    private static void Along(double[] centroid, double[] worst, double t, double[] into)
    {
        for (var j = 0; j < centroid.Length; j++)
        {
            into[j] = centroid[j] + (t * (centroid[j] - worst[j]));
        }
    }

    private static void Replace(double[][] simplex, double[] values, int at, double[] point, double value)
    {
        Array.Copy(point, simplex[at], point.Length);
        values[at] = value;
    }

    private static double Safe(double v) => double.IsNaN(v) ? double.PositiveInfinity : v;
}
