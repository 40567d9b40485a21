namespace Edge.Models.Backtest;

/// <summary>Running sums for the docs/design.md metrics over a set of scored samples.</summary>
internal sealed class MetricAccumulator
{
    public long Samples { get; private set; }

    public long Violations { get; private set; }

    public double SumLimit { get; private set; }

    public double SumUsage { get; private set; }

    public double SumSlack { get; private set; }

    public double SumShortfall { get; private set; }

    public long IntervalSamples { get; private set; }

    public long Covered { get; private set; }

    public long BelowInterval { get; private set; }

    public long AboveInterval { get; private set; }

    public double LevelSum { get; private set; }

    public double LimitSeconds { get; private set; }

    public double UsageSeconds { get; private set; }

    /// <summary>Scores one sample; u = L is not a violation.</summary>
    public void Add(double usage, in Recommendation r, double durationS)
    {
        var limit = r.Limit;
        Samples++;
        Violations += usage > limit ? 1 : 0;
        SumLimit += limit;
        SumUsage += usage;
        SumSlack += Math.Max(limit - usage, 0);
        SumShortfall += Math.Max(usage - limit, 0);
        LimitSeconds += limit * durationS;
        UsageSeconds += usage * durationS;
        if (!double.IsNaN(r.Level) && !double.IsNaN(r.Lower) && !double.IsNaN(r.Upper))
        {
            IntervalSamples++;
            LevelSum += r.Level;
            Covered += usage >= r.Lower && usage <= r.Upper ? 1 : 0;
            BelowInterval += usage < r.Lower ? 1 : 0;
            AboveInterval += usage > r.Upper ? 1 : 0;
        }
    }

    public void Merge(MetricAccumulator other)
    {
        Samples += other.Samples;
        Violations += other.Violations;
        SumLimit += other.SumLimit;
        SumUsage += other.SumUsage;
        SumSlack += other.SumSlack;
        SumShortfall += other.SumShortfall;
        IntervalSamples += other.IntervalSamples;
        Covered += other.Covered;
        BelowInterval += other.BelowInterval;
        AboveInterval += other.AboveInterval;
        LevelSum += other.LevelSum;
        LimitSeconds += other.LimitSeconds;
        UsageSeconds += other.UsageSeconds;
    }

    public BacktestMetrics ToMetrics(ResourceKind resource, BacktestOptions options)
    {
        // Reserved units: core-hours for CPU, GiB-hours for memory (MiB / 1024), Mbit-hours for network.
        var perUnit = resource == ResourceKind.Memory ? 1024.0 : 1.0;
        var reservedHours = LimitSeconds / 3600 / perUnit;
        var price = resource switch
        {
            ResourceKind.Cpu => options.PricePerCoreHour,
            ResourceKind.Memory => options.PricePerGiBHour,
            _ => 0,
        };
        return new BacktestMetrics(
            Samples,
            Samples == 0 ? double.NaN : 100.0 * SumSlack / SumLimit,
            Samples == 0 ? double.NaN : 100.0 * Violations / Samples,
            Samples == 0 ? double.NaN : 100.0 * SumShortfall / SumUsage,
            IntervalSamples == 0 ? double.NaN : (double)Covered / IntervalSamples,
            IntervalSamples == 0 ? double.NaN : LevelSum / IntervalSamples,
            Violations,
            reservedHours,
            UsageSeconds / 3600 / perUnit,
            reservedHours * price)
        {
            BelowIntervalPercent = IntervalSamples == 0 ? double.NaN : 100.0 * BelowInterval / IntervalSamples,
            AboveIntervalPercent = IntervalSamples == 0 ? double.NaN : 100.0 * AboveInterval / IntervalSamples,
        };
    }
}
