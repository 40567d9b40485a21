using Edge.Common.Contracts;
using Edge.Controller.Control;
using Edge.Controller.Leadership;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Control;

/// <summary>Every command leaves with the leader's term and an expiry; stale queued commands are dropped (docs/ha.md, "Fencing").</summary>
public sealed class CommandStamperTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
    private readonly FakeLeadership _leadership = new() { IsLeader = true, Term = 7 };

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void Stamp_Leader_SetsItsTermAndExpiryFromTheDecisionTime()
    {
        var stamper = Create(TimeSpan.FromSeconds(90));

        var (command, refusal) = stamper.Stamp(Stop(issuedAtMs: Now - 5_000));

        Assert.Null(refusal);
        Assert.Equal(7, command!.Term);
        Assert.Equal(Now - 5_000 + 90_000, command.ExpiresAtMs);
        Assert.Equal("i-1", command.Stop!.InstanceId);
    }

    [Fact]
    public void Stamp_StampedCommand_RoundTripsOnTheWire()
    {
        var (command, _) = Create(TimeSpan.FromSeconds(90)).Stamp(Stop(Now));

        var decoded = PayloadCodec.Decode(PayloadCodec.Encode(command!, EdgeJsonContext.Default.NodeCommand), EdgeJsonContext.Default.NodeCommand);

        Assert.True(decoded.Ok, decoded.Message);
        Assert.Equal((7L, Now + 90_000), (decoded.Value!.Term!.Value, decoded.Value.ExpiresAtMs!.Value));
    }

    [Fact]
    public void Stamp_NotLeader_RefusesNamingTheTerm()
    {
        _leadership.IsLeader = false;

        var (command, refusal) = Create(TimeSpan.FromSeconds(90)).Stamp(Stop(Now));

        Assert.Null(command);
        Assert.Contains("does not lead (term 7)", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_WithinLifetimeAndSameTerm_IsNotStale()
    {
        var stamper = Create(TimeSpan.FromSeconds(90));
        var (command, _) = stamper.Stamp(Stop(Now));
        _time.Advance(TimeSpan.FromSeconds(90));

        Assert.Null(stamper.Stale(command!));
    }

    [Fact]
    public void Stale_PastExpiryWhileQueued_IsDroppedNamingTheExpiry()
    {
        var stamper = Create(TimeSpan.FromSeconds(90));
        var (command, _) = stamper.Stamp(Stop(Now));
        _time.Advance(TimeSpan.FromSeconds(91));

        var why = stamper.Stale(command!);

        Assert.NotNull(why);
        Assert.Contains("expired", why, StringComparison.Ordinal);
        Assert.Contains("1000 ms ago", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_TermChangedWhileQueued_IsDropped()
    {
        var stamper = Create(TimeSpan.FromSeconds(90));
        var (command, _) = stamper.Stamp(Stop(Now));
        _leadership.Term = 9;

        Assert.Contains("stamped with term 7, but this controller now leads in term 9", stamper.Stale(command!), StringComparison.Ordinal);

        _leadership.IsLeader = false;
        Assert.Contains("does not lead", stamper.Stale(command!), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_LifetimeOutOfRange_IsRefusedNamingKeyAndValue()
    {
        var result = new CommandOptionsValidator().Validate(null, new CommandOptions { Lifetime = TimeSpan.FromSeconds(1) });

        Assert.True(result.Failed);
        Assert.Contains("Controller:Commands:Lifetime '00:00:01'", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new CommandOptionsValidator().Validate(null, new CommandOptions()).Succeeded);
    }

    private CommandStamper Create(TimeSpan lifetime) =>
        new(_leadership, Microsoft.Extensions.Options.Options.Create(new CommandOptions { Lifetime = lifetime }), _time);

    private static NodeCommand Stop(long issuedAtMs) => new()
    {
        CommandId = "c-1",
        NodeId = "n1",
        Kind = CommandKind.Stop,
        IssuedAtMs = issuedAtMs,
        Stop = new StopSpec("i-1"),
    };

    private sealed class FakeLeadership : ILeadership
    {
        public bool IsLeader { get; set; }

        public long Term { get; set; }

        public CancellationToken LeadingToken => CancellationToken.None;

#pragma warning disable CS0067 // not raised in these tests
        public event Action<LeadershipChange>? Changed;
#pragma warning restore CS0067
    }
}

/// <summary>The missing-instance grace must outlast a command's lifetime plus the clock skew, checked at start.</summary>
public sealed class MissingGraceValidatorTests
{
    [Fact]
    public void Validate_GraceNotAboveLifetimePlusSkew_IsRefusedNamingBothValues()
    {
        var validator = new MissingGraceValidator(Microsoft.Extensions.Options.Options.Create(new CommandOptions { Lifetime = TimeSpan.FromMinutes(2), ClockSkew = TimeSpan.FromSeconds(30) }));

        var refused = validator.Validate(null, new Edge.Controller.Placement.PlacementOptions { MissingInstanceGrace = TimeSpan.FromMinutes(2.5) });

        Assert.True(refused.Failed);
        Assert.Contains("Controller:Placement:MissingInstanceGrace '00:02:30'", refused.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Controller:Commands:Lifetime '00:02:00'", refused.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Controller:Commands:ClockSkew '00:00:30'", refused.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new Edge.Controller.Placement.PlacementOptions()).Succeeded);
    }

    [Fact]
    public async Task Controller_GraceTooShort_DoesNotStart_NamingBothValues()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Infrastructure.TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Placement:MissingInstanceGrace"] = "00:01:00",
        }));

        Assert.Contains("MissingInstanceGrace '00:01:00'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Controller:Commands:Lifetime '00:02:00'", error.ToString(), StringComparison.Ordinal);
    }
}
