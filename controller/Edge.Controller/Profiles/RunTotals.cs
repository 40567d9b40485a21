namespace Edge.Controller.Profiles;

/// <summary>
/// Counts and error sums over a component's runs: what <c>GET /api/components/{id}</c> reports. Compaction of the
/// feedback ledger folds old runs into one of these per component (<see cref="LedgerCarry"/>), so the figures still
/// cover every run ever recorded.
/// </summary>
internal sealed class RunTotals
{
    public required string ComponentId { get; init; }

    public int Runs { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int OomKilled { get; set; }

    public int CpuErrors { get; set; }

    public int MemoryErrors { get; set; }

    public int CpuUnder { get; set; }

    public int MemoryUnder { get; set; }

    public double CpuAbs { get; set; }

    public double CpuSigned { get; set; }

    public double MemoryAbs { get; set; }

    public double MemorySigned { get; set; }

    public void Add(RunRecord run)
    {
        Runs++;
        switch (run.Outcome)
        {
            case RunOutcomes.Succeeded: Succeeded++; break;
            case RunOutcomes.OomKilled: OomKilled++; break;
            default: Failed++; break;
        }

        if (run.Predicted is not { } predicted)
        {
            return;
        }

        var cpu = run.PeakCpuCores * 1000;
        if (cpu > 0)
        {
            var error = (predicted.Cpu - cpu) / cpu;
            CpuAbs += Math.Abs(error);
            CpuSigned += error;
            CpuErrors++;
            CpuUnder += error < 0 ? 1 : 0;
        }

        if (run.PeakMemoryMiB > 0 && run.Outcome != RunOutcomes.OomKilled)
        {
            var error = (predicted.Memory - run.PeakMemoryMiB) / run.PeakMemoryMiB;
            MemoryAbs += Math.Abs(error);
            MemorySigned += error;
            MemoryErrors++;
            MemoryUnder += error < 0 ? 1 : 0;
        }
        else if (run.Outcome == RunOutcomes.OomKilled)
        {
            MemoryUnder++;
        }
    }

    public void Add(RunTotals other)
    {
        Runs += other.Runs;
        Succeeded += other.Succeeded;
        Failed += other.Failed;
        OomKilled += other.OomKilled;
        CpuErrors += other.CpuErrors;
        MemoryErrors += other.MemoryErrors;
        CpuUnder += other.CpuUnder;
        MemoryUnder += other.MemoryUnder;
        CpuAbs += other.CpuAbs;
        CpuSigned += other.CpuSigned;
        MemoryAbs += other.MemoryAbs;
        MemorySigned += other.MemorySigned;
    }
}
