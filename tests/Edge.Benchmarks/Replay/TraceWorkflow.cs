namespace Edge.Benchmarks.Replay;

/// <summary>A WfInstances workflow instance: its recipe (file name without the repetition number), file, DAG and trace makespan.</summary>
internal sealed record TraceWorkflow(string Recipe, string File, IReadOnlyList<TraceTask> Tasks, double MakespanS);
