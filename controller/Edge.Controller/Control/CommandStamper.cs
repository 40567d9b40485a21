using System.Diagnostics.Metrics;
using Edge.Common.Contracts;
using Edge.Controller.Leadership;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Control;

/// <summary>
/// Stamps every outgoing command with the leader's term (the fencing token) and an absolute expiry, and judges
/// whether a command that waited in the controller's queue may still be sent: not once it has expired, nor once this
/// controller no longer leads in the term it was stamped with (docs/ha.md, "Fencing"). Drops are counted on
/// <c>edge.commands.dropped</c> (tag <c>reason</c>: not-leader, expired, deposed).
/// </summary>
internal sealed class CommandStamper
{
    public const string MeterName = "Edge.Controller.Commands";

    private readonly ILeadership _leadership;
    private readonly TimeProvider _time;
    private readonly long _lifetimeMs;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _stamped;

    public CommandStamper(ILeadership leadership, IOptions<CommandOptions> options, TimeProvider time, IMeterFactory? meters = null)
    {
        _leadership = leadership;
        _time = time;
        _lifetimeMs = (long)options.Value.Lifetime.TotalMilliseconds;
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _dropped = meter.CreateCounter<long>("edge.commands.dropped", "{command}", "Commands not sent: this controller did not lead, or they expired or lost their term while waiting");
        _stamped = meter.CreateCounter<long>("edge.commands.stamped", "{command}", "Commands stamped with the leader's term and an expiry");
    }

    /// <summary>The command with <see cref="NodeCommand.Term"/> and <see cref="NodeCommand.ExpiresAtMs"/> set; or why it must not be sent.</summary>
    public (NodeCommand? Command, string? Refusal) Stamp(NodeCommand command)
    {
        var (stamped, _, refusal) = StampForSending(command);
        return (stamped, refusal);
    }

    /// <summary>
    /// As <see cref="Stamp"/>, with the leadership token of the term the command was stamped in: the command may be
    /// sent only while that token is not cancelled (<see cref="StaleUnder"/>).
    /// </summary>
    public (NodeCommand? Command, CancellationToken Leading, string? Refusal) StampForSending(NodeCommand command)
    {
        // Token first: once it is cancelled this controller never again leads in this term.
        var leading = _leadership.LeadingToken;
        var term = _leadership.Term;
        if (leading.IsCancellationRequested || !_leadership.IsLeader || term <= 0)
        {
            var (_, refusal) = Drop("not-leader", leading.IsCancellationRequested && _leadership.IsLeader
                ? $"this controller's leadership of term {term} has ended (its lease token is cancelled); only the leader commands"
                : $"this controller does not lead (term {term}); only the leader commands");
            return (null, leading, refusal);
        }

        _stamped.Add(1);
        return (command with { Term = term, ExpiresAtMs = command.IssuedAtMs + _lifetimeMs }, leading, null);
    }

    /// <summary>Null when a stamped, queued command may still be sent now; otherwise why it is dropped.</summary>
    public string? Stale(NodeCommand command) => StaleUnder(command, _leadership.LeadingToken);

    /// <summary>
    /// Null when a stamped, queued command may still be sent now; otherwise why it is dropped. <paramref name="leading"/>
    /// is the leadership token it was stamped under: once cancelled (deposed, cut off from etcd, stopping) nothing
    /// stamped under it is sent, whatever <see cref="ILeadership.IsLeader"/> says at that moment.
    /// </summary>
    public string? StaleUnder(NodeCommand command, CancellationToken leading)
    {
        if (leading.IsCancellationRequested)
        {
            return Drop("deposed", $"it was stamped with term {command.Term}, and this controller's leadership of that term has ended (its lease token is cancelled)").Refusal;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (command.ExpiresAtMs is { } expires && now > expires)
        {
            return Drop("expired", $"it expired at {DateTimeOffset.FromUnixTimeMilliseconds(expires):O} while the controller could not send it ({now - expires} ms ago)").Refusal;
        }

        if (!_leadership.IsLeader || command.Term != _leadership.Term)
        {
            return Drop("deposed", $"it was stamped with term {command.Term}, but this controller now {(_leadership.IsLeader ? $"leads in term {_leadership.Term}" : "does not lead")}").Refusal;
        }

        return null;
    }

    private (NodeCommand? Command, string? Refusal) Drop(string reason, string text)
    {
        _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return (null, text);
    }
}
