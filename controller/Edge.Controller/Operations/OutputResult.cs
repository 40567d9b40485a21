
namespace Edge.Controller.Operations;

/// <summary>A node's answer to an output request: the output, or why the node could not read it.</summary>
internal sealed record OutputResult(InstanceOutput? Output, string? Error);
