using Edge.Common.Contracts;

namespace Edge.Controller.Dashboard;

/// <summary>One step of a run on the run page: its state, and reserved against used for the current and past attempts.</summary>
/// <param name="StepId">The step's id.</param>
/// <param name="ComponentId">The component it runs.</param>
/// <param name="State">Its state.</param>
/// <param name="NodeId">The node its current attempt runs (or ran) on.</param>
/// <param name="InstanceId">Its current attempt's instance id.</param>
/// <param name="Attempt">Its attempt number.</param>
/// <param name="Reason">Why it is in its state, when the controller said.</param>
/// <param name="Reserved">What its running instance holds on its node; null when it has no active allocation.</param>
/// <param name="Used">What its running instance used so far (peaks); null when not running or no sample arrived.</param>
/// <param name="Finished">Its finished attempts, oldest first.</param>
/// <param name="Events">What the agent reported about its running instance so far (throttling, resizes applied or refused), oldest first; empty when not running.</param>
internal sealed record DashboardStep(
    string StepId,
    string ComponentId,
    WorkflowStepState State,
    string? NodeId,
    string? InstanceId,
    int Attempt,
    string? Reason,
    ResourceQuantity? Reserved,
    DashboardUsage? Used,
    IReadOnlyList<DashboardAttempt> Finished,
    IReadOnlyList<RunEvent> Events);
