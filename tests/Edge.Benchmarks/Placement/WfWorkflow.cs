namespace Edge.Benchmarks.Placement;

/// <summary>A WfInstances workflow instance: its file name and its tasks as a DAG.</summary>
internal sealed record WfWorkflow(string Name, IReadOnlyList<WfTask> Tasks);
