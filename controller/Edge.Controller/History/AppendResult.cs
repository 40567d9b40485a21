namespace Edge.Controller.History;

/// <summary>What appending one batch did.</summary>
internal readonly record struct AppendResult(bool Duplicate, int SamplesStored);
