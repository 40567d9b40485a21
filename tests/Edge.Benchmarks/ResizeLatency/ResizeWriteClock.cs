using System.Diagnostics;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Benchmarks.ResizeLatency;

/// <summary>
/// The instrumented hook: wraps the agent's real <see cref="ICgroupDriver"/> and notes the Stopwatch timestamp at
/// which <see cref="ICgroupDriver.ApplyLimits"/> returned, i.e. when the last of the new limit files was written.
/// Everything else passes straight through.
/// </summary>
internal sealed class ResizeWriteClock
{
    private long _lastWrite;

    public long LastWriteTimestamp => Volatile.Read(ref _lastWrite);

    /// <summary>Replaces the registered driver with one that reports to this clock; keeps the registration's factory.</summary>
    public void Instrument(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ICgroupDriver));
        var factory = registered.ImplementationFactory ?? throw new InvalidOperationException("the cgroup driver is expected to be registered by a factory");
        services.Remove(registered);
        services.AddSingleton<ICgroupDriver>(sp => new TimedDriver((ICgroupDriver)factory(sp), this));
    }

    private void Written() => Volatile.Write(ref _lastWrite, Stopwatch.GetTimestamp());

    private sealed class TimedDriver(ICgroupDriver inner, ResizeWriteClock clock) : ICgroupDriver
    {
        public string Mode => inner.Mode;
        public CgroupMode CgroupMode => inner.CgroupMode;
        public string Parent => inner.Parent;

        public IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits)
        {
            var result = inner.ApplyLimits(name, limits);
            clock.Written();
            return result;
        }

        public void Create(string name) => inner.Create(name);
        public bool Exists(string name) => inner.Exists(name);
        public IReadOnlyList<string> ListGroups() => inner.ListGroups();
        public LaunchPlacement PlacementFor(string name, InstanceLimits limits) => inner.PlacementFor(name, limits);
        public void Attach(string name, int pid) => inner.Attach(name, pid);
        public bool Contains(string name, int pid) => inner.Contains(name, pid);
        public CgroupStats? ReadStats(string name) => inner.ReadStats(name);
        public IReadOnlyList<int> ReadPids(string name) => inner.ReadPids(name);
        public void Remove(string name) => inner.Remove(name);
    }
}
