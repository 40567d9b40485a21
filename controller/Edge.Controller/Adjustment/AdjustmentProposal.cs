using Edge.Common.Contracts;

namespace Edge.Controller.Adjustment;

/// <summary>A proposed change with its reason; the caller resizes in place, or migrates when the node has no room.</summary>
internal sealed record AdjustmentProposal(AdjustmentAction Action, InstanceLimits Limits, string Reason);
