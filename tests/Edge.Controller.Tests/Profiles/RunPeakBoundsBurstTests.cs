using Edge.Common.Contracts;
using Edge.Controller.Nodes;
using Edge.Controller.Profiles;

namespace Edge.Controller.Tests.Profiles;

/// <summary>A run that burst above its reservation is bounded by the limits it ran with, not by the reservation.</summary>
public sealed class RunPeakBoundsBurstTests
{
    private static Allocation Placed(ResourceQuantity reserved, ResourceQuantity? limits) => new()
    {
        AllocationId = "i-1",
        ComponentId = "c",
        NodeId = "n",
        Provider = "p",
        Tier = PricingTier.OnDemand,
        Resources = reserved,
        Limits = limits,
        State = AllocationState.Active,
        CreatedAtMs = 1_000,
        Request = new AllocationRequest { ComponentId = "c" },
        Profile = new PredictionProfile
        {
            ComponentId = "c",
            Cpu = reserved.CpuMillicores,
            Memory = reserved.MemoryMiB,
            NetworkBandwidth = 0,
            ConfidenceInterval = new ConfidenceInterval(0.9, new IntervalBounds(0, 0), new IntervalBounds(0, 0), new IntervalBounds(0, 0)),
        },
    };

    private static RunRecord Run(double peakCores, double peakMiB) => new()
    {
        ComponentId = "c",
        InstanceId = "i-1",
        NodeId = "n",
        StartedAtMs = 1_000,
        EndedAtMs = 11_000,
        Outcome = RunOutcomes.Succeeded,
        DurationSeconds = 10,
        CpuSeconds = peakCores * 10,
        PeakCpuCores = peakCores,
        MeanCpuCores = peakCores,
        PeakMemoryMiB = peakMiB,
    };

    [Fact]
    public void Clamp_PeakAboveTheReservationWithinTheBurstLimits_IsKept()
    {
        var allocation = Placed(new ResourceQuantity(1000, 1000), new ResourceQuantity(1500, 1400));

        var (record, clamped) = RunPeakBounds.Clamp(Run(1.45, 1390), allocation, new ResourceQuantity(4000, 8192), new NodeReportOptions());

        Assert.Null(clamped);
        Assert.Equal(1.45, record.PeakCpuCores);
        Assert.Equal(1390, record.PeakMemoryMiB);
    }

    [Fact]
    public void Clamp_WithoutBurstLimits_TheReservationIsTheBound()
    {
        var allocation = Placed(new ResourceQuantity(1000, 1000), null);

        var (record, clamped) = RunPeakBounds.Clamp(Run(1.45, 1390), allocation, new ResourceQuantity(4000, 8192), new NodeReportOptions());

        Assert.NotNull(clamped);
        Assert.Equal(1000 * 1.01, record.PeakMemoryMiB, 6);
    }
}
