namespace Edge.Models.Traces;

/// <summary>
/// One executed task of a WfInstances workflow instance; InputBytes is the sum of its input files' sizes; NetworkMbps
/// its mean I/O rate, max(readBytes, writtenBytes) · 8 / runtime / 10^6, null when the instance does not record them.
/// </summary>
internal readonly record struct WfTask(string Component, long StartS, string Instance, int Order, double? Cpu, double? MemoryMiB, double RuntimeS, double InputBytes = 0, double? NetworkMbps = null);
