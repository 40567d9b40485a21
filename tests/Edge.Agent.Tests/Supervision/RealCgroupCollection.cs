namespace Edge.Agent.Tests.Supervision;

/// <summary>Tests that run real processes in real cgroups; serialised so their CPU measurements do not compete.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealCgroupCollection
{
    public const string Name = "real-cgroups";
}
