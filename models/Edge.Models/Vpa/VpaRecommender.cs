namespace Edge.Models.Vpa;

/// <summary>
/// A faithful port of the Kubernetes Vertical Pod Autoscaler recommender (kubernetes/autoscaler,
/// <c>vertical-pod-autoscaler/pkg/recommender</c>): decaying exponential histograms of CPU usage (each sample weighted
/// by max(request, 0.1 core)) and of daily memory peaks, target at a percentile plus a 15% margin, confidence-scaled
/// bounds, the OOM bump and the pod minimums. Constants and their sources are in <see cref="VpaConstants"/>.
/// The knob is the target percentile (VPA's <c>--target-cpu-percentile</c> / <c>--target-memory-percentile</c>);
/// the limit set is the target (VPA in Auto mode sets the request to the target).
/// <c>vpa-nofloor</c> is the same without the pod minimums (25 mCPU, 250 MiB), for comparisons that leave floors out.
/// </summary>
internal sealed class VpaRecommender(bool floors = true) : IRecommender
{
    public string Name => floors ? "vpa" : "vpa-nofloor";

    public string KnobDescription => "target percentile of the decaying usage histogram (VPA default 0.9)";

    public double DefaultKnob => VpaConstants.TargetPercentile;

    public IReadOnlyList<double> SweepKnobs { get; } = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0];

    public IRecommenderState CreateState(ResourceKind resource, double knob) =>
        resource == ResourceKind.Memory
            ? new VpaMemoryState(knob, floors ? VpaConstants.MinMemoryMiB : 0)
            : new VpaCpuState(knob, floors ? VpaConstants.MinCpuCores : 0);
}
