namespace Edge.Models.Traces;

/// <summary>The trace layouts the backtest reads.</summary>
public enum TraceFormat
{
    /// <summary>Bitbrains GWA-T-12: a folder of per-VM <c>;\t</c>-separated files, gzipped or not.</summary>
    Bitbrains,

    /// <summary>WfCommons WfInstances: a folder of workflow-instance JSON files.</summary>
    WfInstances,

    /// <summary>Edge's history export: <c>timestamp_ms,node,scope,metric,value</c> CSV files.</summary>
    Edge,
}
