using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Edge.Controller.Security;
using Edge.Controller.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Security;

/// <summary>A token created with an expiry works until then and is refused after it, here and after a reopen; a bad expiry is refused naming it.</summary>
public sealed class ApiTokenExpiryTests
{
    [Fact]
    public void ATokenWithAnExpiry_IsRefusedOnceItPasses_AndAPastExpiryIsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        using var state = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        var tokens = Store(dir.Path, state, time);
        tokens.Refresh();

        var past = tokens.TryCreate("late", ApiRoles.Viewer, out _, time.GetUtcNow().AddSeconds(-1));
        Assert.Equal(TokenStoreErrorKind.Invalid, past?.Kind);
        Assert.Contains("expiresAt '2026-12-05T23:59:59", past!.Message, StringComparison.Ordinal);
        Assert.Null(tokens.TryCreate("ci", ApiRoles.Viewer, out var created, time.GetUtcNow().AddHours(1)));
        Assert.Equal(time.GetUtcNow().AddHours(1), tokens.List().Single(t => t.Name == "ci").ExpiresAt);

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal("ci", tokens.Authenticate(created!.Token)?.Name);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(tokens.Authenticate(created.Token));
        Assert.DoesNotContain(tokens.List(), t => t.Name == "ci");

        // Another controller (or a restart) reading the same records refuses it too, and the name can be reused.
        var reopened = Store(dir.Path, state, time);
        reopened.Refresh();
        Assert.Null(reopened.Authenticate(created.Token));
        Assert.Null(reopened.TryCreate("ci", ApiRoles.Viewer, out _));
    }

    private static ApiTokenStore Store(string data, IStateStore state, TimeProvider time) => new(
        Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = data }),
        Microsoft.Extensions.Options.Options.Create(new ClusterOptions()),
        state,
        new Leading(),
        time,
        NullLogger<ApiTokenStore>.Instance);

    private sealed class Leading : ILeadership
    {
        public bool IsLeader => true;

        public long Term => 1;

        public CancellationToken LeadingToken => CancellationToken.None;

#pragma warning disable CS0067 // never raised: one controller
        public event Action<LeadershipChange>? Changed;
#pragma warning restore CS0067
    }
}
