using System.ComponentModel.DataAnnotations;

namespace Edge.Controller.Profiles;

/// <summary>
/// The least any placement reserves (section <c>Controller:ProfileFloors</c>), whatever the forecast says: a
/// process needs some CPU and memory to start at all, and a forecast from unmeasured runs may be near zero.
/// </summary>
internal sealed record ProfileFloorOptions
{
    public const string SectionName = "Controller:ProfileFloors";

    [Range(1, 1_000_000)]
    public double MinCpuMillicores { get; init; } = 10;

    [Range(1, 10_000_000)]
    public double MinMemoryMiB { get; init; } = 32;
}
