namespace Edge.Controller.Placement;

/// <summary>How the broker ranks the nodes where a profile fits. Each is a <see cref="INodeScorer"/> in <see cref="NodeScorers"/>.</summary>
public enum PlacementStrategy
{
    /// <summary>Edge's default: least marginal cost per hour (opening an idle billed node costs the whole node), then the tightest fit.</summary>
    Cheapest,

    /// <summary>Fill the most allocated node first so that whole nodes stay free, then the cheapest.</summary>
    BinPack,

    /// <summary>Place on the least allocated node, then the cheapest.</summary>
    Spread,

    /// <summary>Baseline: the first node (in registration order) where the profile fits.</summary>
    FirstFit,

    /// <summary>Baseline: Kubernetes NodeResourcesFit, scoring strategy LeastAllocated (cpu and memory, weight 1).</summary>
    KubernetesLeastAllocated,

    /// <summary>Baseline: Kubernetes NodeResourcesFit, scoring strategy MostAllocated (cpu and memory, weight 1).</summary>
    KubernetesMostAllocated,

    /// <summary>Baseline: Nomad's ScoreFitBinPack.</summary>
    NomadBinPack,
}
