namespace Edge.Models.Traces;

/// <summary>One executed task of a WfInstances workflow instance; InputBytes is the sum of its input files' sizes.</summary>
internal readonly record struct WfTask(string Component, long StartS, string Instance, int Order, double? Cpu, double? MemoryMiB, double RuntimeS, double InputBytes = 0);
