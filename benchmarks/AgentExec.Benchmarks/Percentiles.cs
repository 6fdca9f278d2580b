namespace AgentExec.Benchmarks;

/// <summary>Linear-interpolated percentiles of a sample, for the figures the benchmarks print.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="fraction"/> percentile (0.5 is the median) of <paramref name="values"/>.</summary>
    public static double Of(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        var position = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
