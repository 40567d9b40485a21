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
}

/// <summary>Checks <see cref="CommandOptions"/>, naming the key and value.</summary>
internal sealed class CommandOptionsValidator : IValidateOptions<CommandOptions>
{
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, CommandOptions options) =>
        options.Lifetime < MinimumLifetime || options.Lifetime > MaximumLifetime
            ? ValidateOptionsResult.Fail($"{CommandOptions.SectionName}:Lifetime '{options.Lifetime}' must be between {MinimumLifetime} and {MaximumLifetime}")
            : ValidateOptionsResult.Success;
}
