using Microsoft.Extensions.Options;

namespace Edge.Controller.Control;

/// <summary>How long the commands this controller sends stay valid (section <c>Controller:Commands</c>; docs/ha.md, "Fencing").</summary>
public sealed record CommandOptions
{
    public const string SectionName = "Controller:Commands";

    /// <summary>
    /// A command's <c>expiresAtMs</c> is its decision time plus this. A command still in the controller's own queue
    /// (the controller was disconnected from the MQTT broker) when it expires is dropped, not sent late; one waiting in
    /// an agent's broker session is refused by the agent once expired (beyond the agent's tolerated clock skew).
    /// Reconciliation repairs what a dropped or refused command left undone.
    /// </summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The clock skew between this controller and the agents that the grace periods allow for: set it to the agents'
    /// <c>Agent:Commands:ClockSkew</c> (default 30 s). An agent obeys a command up to <see cref="Lifetime"/> + this
    /// after its decision, so <c>Controller:Placement:MissingInstanceGrace</c> must be longer (checked at start).
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Refuses to start when an allocation could be placed again while its first start may still be obeyed:
/// <c>Controller:Placement:MissingInstanceGrace</c> must exceed <c>Controller:Commands:Lifetime</c> +
/// <c>Controller:Commands:ClockSkew</c>, else an old copy of a re-placed instance could still start (docs/ha.md, "Fencing").
/// </summary>
internal sealed class MissingGraceValidator(IOptions<CommandOptions> commands) : IValidateOptions<Placement.PlacementOptions>
{
    public ValidateOptionsResult Validate(string? name, Placement.PlacementOptions options)
    {
        var c = commands.Value;
        var bound = c.Lifetime + c.ClockSkew;
        return options.MissingInstanceGrace > bound
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Controller:Placement:MissingInstanceGrace '{options.MissingInstanceGrace}' must be longer than {CommandOptions.SectionName}:Lifetime '{c.Lifetime}' + "
                + $"{CommandOptions.SectionName}:ClockSkew '{c.ClockSkew}' = {bound}: an agent may still obey the first start until then, so placing the instance again earlier could run it twice");
    }
}

/// <summary>Checks <see cref="CommandOptions"/>, naming the key and value.</summary>
internal sealed class CommandOptionsValidator : IValidateOptions<CommandOptions>
{
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, CommandOptions options) =>
        options.Lifetime < MinimumLifetime || options.Lifetime > MaximumLifetime
            ? ValidateOptionsResult.Fail($"{CommandOptions.SectionName}:Lifetime '{options.Lifetime}' must be between {MinimumLifetime} and {MaximumLifetime}")
            : options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromHours(1)
                ? ValidateOptionsResult.Fail($"{CommandOptions.SectionName}:ClockSkew '{options.ClockSkew}' must be between 00:00:00 and 01:00:00")
                : ValidateOptionsResult.Success;
}
