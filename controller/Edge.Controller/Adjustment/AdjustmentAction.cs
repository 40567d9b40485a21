namespace Edge.Controller.Adjustment;

/// <summary>What the adjuster wants done with an instance.</summary>
internal enum AdjustmentAction
{
    None,
    ScaleUp,
    ScaleDown,
}
