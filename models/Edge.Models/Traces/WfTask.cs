namespace Edge.Models.Traces;

/// <summary>One executed task of a WfInstances workflow instance.</summary>
internal readonly record struct WfTask(string Component, long StartS, string Instance, int Order, double? Cpu, double? MemoryMiB, double RuntimeS);
