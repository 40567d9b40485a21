using System.Globalization;
using Edge.Controller.Options;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Leadership;

/// <summary>
/// Leader election on an etcd lease, the recipe of etcd's <c>concurrency.Election</c> and of Kubernetes' leader
/// election (<c>client-go/tools/leaderelection</c>: lease duration, renew deadline, retry period):
/// <list type="number">
/// <item>Read <c>{prefix}/leader</c>. If it exists, follow its holder and watch the key until it is deleted (the
/// holder's lease expired or was revoked), re-reading every <see cref="ClusterOptions.RetryPeriod"/> in case a watch
/// event is missed.</item>
/// <item>If it does not, grant a lease of <see cref="ClusterOptions.LeaseTtl"/> and campaign in one transaction:
/// <c>if create_revision(leader) == 0 and mod_revision(term) == seen then put leader (with the lease), put term = seen
/// term + 1</c>. etcd serialises transactions, so at most one contender wins each vacancy, and the term key only
/// grows: the term is a valid fencing token across leaders.</item>
/// <item>While leading, renew the lease every <see cref="ClusterOptions.KeepAliveInterval"/> and check (linearizable
/// read) that the leader key is still the one this controller created. <see cref="LeadingToken"/> is cancelled at
/// <c>send time of the last successful renewal + RenewDeadline</c> on the local monotonic clock, by a timer that
/// does not depend on the renewal loop running; etcd cannot expire the lease before <c>that send time + LeaseTtl</c>
/// (the server renewed it after the request was sent), and RenewDeadline ≤ LeaseTtl − 1 s, so a leader that is cut
/// off stops at least a second before anyone else can win. A renewal answered with TTL ≤ 0, or a leader key that
/// is gone or another's, ends the lead at once.</item>
/// <item>On stopping, the leader revokes its lease so a follower takes over without waiting for the TTL.</item>
/// </list>
/// </summary>
internal sealed partial class EtcdLeadership : BackgroundService, ILeadership, IClusterView, State.IStateFence
{
    private readonly ClusterOptions _options;
    private readonly string? _termFile;
    private readonly ILogger<EtcdLeadership> _logger;
    private readonly TimeProvider _time;
    private readonly EtcdConnection _etcd;
    private readonly object _gate = new();
    private CancellationTokenSource _leading;
    private volatile bool _isLeader;
    private long _term;
    private bool _deposed;
    private const string StoppingReason = "stopping";
    private long _latestTerm;
    private volatile string? _leaderId;
    private volatile string? _leaderUrl;
    private volatile bool _leaderKnown;
    private long _renewals;
    private volatile State.StateFenceToken? _fence;

    public EtcdLeadership(IOptions<ClusterOptions> options, IOptions<ControllerOptions> controller, ILogger<EtcdLeadership> logger, TimeProvider time)
    {
        _options = options.Value;
        _termFile = string.IsNullOrEmpty(controller.Value.DataDirectory) ? null : Path.Combine(controller.Value.DataDirectory, SingleControllerLeadership.FileName);
        _logger = logger;
        _time = time;
        _etcd = new EtcdConnection(_options);
        _leading = new CancellationTokenSource();
        _leading.Cancel();
    }

    public bool IsLeader => _isLeader && !Volatile.Read(ref _leading).IsCancellationRequested;

    public long Term => Interlocked.Read(ref _term);

    public CancellationToken LeadingToken => Volatile.Read(ref _leading).Token;

    public event Action<LeadershipChange>? Changed;

    public string MemberId => _options.MemberId;

    public string Role => IsLeader ? "leader" : _leaderKnown ? "follower" : "candidate";

    public string? LeaderId => IsLeader ? _options.MemberId : _leaderKnown ? _leaderId : null;

    public string? LeaderUrl => IsLeader ? _options.AdvertiseUrl : _leaderKnown ? _leaderUrl : null;

    public long LatestTerm => Interlocked.Read(ref _latestTerm);

    /// <summary>
    /// The leader key and the revision this controller created it at, while it leads: the etcd state store makes
    /// each write conditional on the key still having that create revision, so a deposed leader's writes are refused.
    /// </summary>
    public State.StateFenceToken? Current => IsLeader ? _fence : null;

    /// <summary>How many times this controller has won an election (tests and the benchmark read it).</summary>
    public int Wins { get; private set; }

    /// <summary>How many lease renewals succeeded while leading.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>The etcd endpoint requests go to now.</summary>
    public string CurrentEndpoint => _etcd.CurrentUrl;

    public override void Dispose()
    {
        base.Dispose();
        _etcd.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(_options.MemberId, string.Join(",", _options.Etcd), _options.LeaseTtl.TotalSeconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (Volatile.Read(ref _deposed))
            {
                // A deposed leader does not campaign again in this process: its leader-only services are stopped
                // and the process exits to restart as a follower (LeaderOnlyServices). Winning again here would
                // hold the lease (and claim the lead on /readyz) with nothing behind it, and its writes would carry
                // the old term's fence. It keeps following, so the current leader is still known.
                await FollowOnlyAsync(stoppingToken);
                continue;
            }

            try
            {
                await CampaignOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _etcd.Failed(ex);
                _leaderKnown = false;
                failures++;
                LogEtcdFailed(_etcd.CurrentUrl, Describe(ex));
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.RetryPeriod.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 6))));
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One round: follow the current leader until its key goes, or campaign and, on winning, lead until the lead is lost.</summary>
    private async Task CampaignOnceAsync(CancellationToken stopping)
    {
        var read = await _etcd.Kv.TxnAsync(
            new TxnRequest { Success = { Range(_options.LeaderKey), Range(_options.TermKey) } },
            await _etcd.OptionsAsync(_options.RequestTimeout, stopping));
        var leader = read.Responses[0].ResponseRange.Kvs.FirstOrDefault();
        var termKv = read.Responses[1].ResponseRange.Kvs.FirstOrDefault();
        var seenTerm = termKv is null ? 0 : ParseTerm(termKv.Value);
        NoteTerm(seenTerm);
        if (leader is not null)
        {
            Follow(leader.Value.ToStringUtf8());
            await WaitForVacancyAsync(read.Header.Revision, stopping);
            return;
        }

        var grantSent = _time.GetTimestamp();
        var grant = await _etcd.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)_options.LeaseTtl.TotalSeconds }, await _etcd.OptionsAsync(_options.RequestTimeout, stopping));
        if (!string.IsNullOrEmpty(grant.Error))
        {
            throw new InvalidOperationException($"etcd refused a lease of {_options.LeaseTtl.TotalSeconds} s: {grant.Error}");
        }

        var term = Math.Max(seenTerm, LocalTerm()) + 1;
        var value = string.Join('|', _options.MemberId, _options.AdvertiseUrl ?? "", term.ToString(CultureInfo.InvariantCulture));
        var campaign = new TxnRequest
        {
            Compare =
            {
                new Compare { Key = Key(_options.LeaderKey), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 },
                new Compare { Key = Key(_options.TermKey), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = termKv?.ModRevision ?? 0 },
            },
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = Key(_options.LeaderKey), Value = ByteString.CopyFromUtf8(value), Lease = grant.ID } },
                new RequestOp { RequestPut = new PutRequest { Key = Key(_options.TermKey), Value = ByteString.CopyFromUtf8(term.ToString(CultureInfo.InvariantCulture)) } },
            },
            Failure = { Range(_options.LeaderKey) },
        };
        TxnResponse result;
        try
        {
            result = await _etcd.Kv.TxnAsync(campaign, await _etcd.OptionsAsync(_options.RequestTimeout, stopping));
        }
        catch
        {
            await RevokeAsync(grant.ID);
            throw;
        }

        if (!result.Succeeded)
        {
            await RevokeAsync(grant.ID);
            if (result.Responses[0].ResponseRange.Kvs.FirstOrDefault() is { } winner)
            {
                Follow(winner.Value.ToStringUtf8());
                await WaitForVacancyAsync(result.Header.Revision, stopping);
            }

            return;
        }

        await LeadAsync(grant.ID, result.Header.Revision, term, grantSent, stopping);
    }

    private async Task LeadAsync(long leaseId, long createRevision, long term, long renewedSentAt, CancellationToken stopping)
    {
        var leading = new CancellationTokenSource();
        leading.CancelAfter(Remaining(renewedSentAt));
        lock (_gate)
        {
            Volatile.Write(ref _leading, leading);
            Interlocked.Exchange(ref _term, term);
            NoteTerm(term);
            _fence = new State.StateFenceToken(_options.LeaderKey, createRevision, term);
            _isLeader = true;
        }

        Wins++;
        WriteLocalTerm(term);
        LogLeading(_options.MemberId, term, leaseId);
        Raise(new LeadershipChange(true, term, _options.MemberId));
        var reason = StoppingReason;
        AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse>? stream = null;
        var retryNow = false;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // After a failure the next member is tried at once (after a short pause, so a member that refuses
                // instantly is not spun on): waiting a whole KeepAliveInterval would spend the RenewDeadline on the
                // dead member while etcd elects a new raft leader.
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping, leading.Token))
                {
                    await Task.Delay(retryNow ? RetryPause : _options.KeepAliveInterval, _time, wait.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                retryNow = false;

                if (stopping.IsCancellationRequested)
                {
                    break;
                }

                if (leading.IsCancellationRequested)
                {
                    reason = $"no renewal succeeded within RenewDeadline {_options.RenewDeadline.TotalSeconds} s";
                    break;
                }

                var sentAt = _time.GetTimestamp();
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping, leading.Token);
                    attempt.CancelAfter(_options.RequestTimeout);
                    stream ??= _etcd.Lease.LeaseKeepAlive(await _etcd.OptionsAsync(TimeSpan.FromDays(1), CancellationToken.None));
                    await stream.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, attempt.Token);
                    if (!await stream.ResponseStream.MoveNext(attempt.Token))
                    {
                        throw new RpcException(new Status(StatusCode.Unavailable, "keep-alive stream closed by the server"));
                    }

                    if (stream.ResponseStream.Current.TTL <= 0)
                    {
                        reason = $"etcd says lease {leaseId:x} has expired";
                        break;
                    }

                    var check = await _etcd.Kv.RangeAsync(new RangeRequest { Key = Key(_options.LeaderKey) }, await _etcd.OptionsAsync(_options.RequestTimeout, attempt.Token));
                    if (check.Kvs.FirstOrDefault() is not { } mine || mine.CreateRevision != createRevision || mine.Lease != leaseId)
                    {
                        reason = $"the leader key {_options.LeaderKey} is gone or held by another ({check.Kvs.FirstOrDefault()?.Value.ToStringUtf8() ?? "none"})";
                        break;
                    }

                    // The server renewed after sentAt, so its expiry is later than sentAt + LeaseTtl: stop RenewDeadline after sentAt.
                    lock (_gate)
                    {
                        if (!leading.IsCancellationRequested)
                        {
                            leading.CancelAfter(Remaining(sentAt));
                        }
                    }
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    _etcd.Failed(ex);
                    stream?.Dispose();
                    stream = null;
                    LogRenewFailed(_etcd.CurrentUrl, Describe(ex), _time.GetElapsedTime(renewedSentAt).TotalMilliseconds);
                    retryNow = true;
                    continue;
                }

                renewedSentAt = sentAt;
                Interlocked.Increment(ref _renewals);
            }
        }
        finally
        {
            stream?.Dispose();
            StepDown(leading, term, reason);
        }

        await RevokeAsync(leaseId);
    }

    /// <summary>Pause before retrying a failed renewal on the next member.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    /// <summary>After a lost lead: watch the leader key only, never campaign.</summary>
    private async Task FollowOnlyAsync(CancellationToken stopping)
    {
        try
        {
            var read = await _etcd.Kv.RangeAsync(new RangeRequest { Key = Key(_options.LeaderKey) }, await _etcd.OptionsAsync(_options.RequestTimeout, stopping));
            if (read.Kvs.FirstOrDefault() is { } leader)
            {
                Follow(leader.Value.ToStringUtf8());
            }
            else
            {
                _leaderKnown = false;
            }

            await WaitForVacancyAsync(read.Header.Revision, stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            _etcd.Failed(ex);
            _leaderKnown = false;
            await Task.Delay(_options.RetryPeriod, _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void StepDown(CancellationTokenSource leading, long term, string reason)
    {
        lock (_gate)
        {
            if (reason != StoppingReason)
            {
                Volatile.Write(ref _deposed, true);
            }

            leading.Cancel();
            _isLeader = false;
            _fence = null;
            _leaderKnown = false;
        }

        LogLost(_options.MemberId, term, reason);
        Raise(new LeadershipChange(false, term, null));
    }

    private async Task WaitForVacancyAsync(long revision, CancellationToken stopping)
    {
        // The watch ends after RetryPeriod by our own cancellation, not by a gRPC deadline: etcd 3.4 answers a watch
        // whose deadline passed with status Unknown ("context deadline exceeded"), which read as an etcd failure
        // (next endpoint, back-off, leader unknown) every RetryPeriod on every follower.
        using var period = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        period.CancelAfter(_options.RetryPeriod);
        try
        {
            using var call = _etcd.Watch.Watch(await _etcd.OptionsAsync(_options.RetryPeriod + _options.RequestTimeout + TimeSpan.FromSeconds(1), period.Token));
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = Key(_options.LeaderKey), StartRevision = revision + 1 } }, period.Token);
            while (await call.ResponseStream.MoveNext(period.Token))
            {
                var response = call.ResponseStream.Current;
                if (response.Canceled || response.Events.Any(e => e.Type == Mvccpb.Event.Types.EventType.Delete))
                {
                    return;
                }

                if (response.Events.LastOrDefault(e => e.Type == Mvccpb.Event.Types.EventType.Put) is { } put)
                {
                    Follow(put.Kv.Value.ToStringUtf8());
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled && !stopping.IsCancellationRequested)
        {
            // RetryPeriod passed without a deletion: read the key again.
        }
        catch (OperationCanceledException) when (period.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // The same, noticed while writing the request.
        }
    }

    private void Follow(string value)
    {
        var parts = value.Split('|');
        _leaderId = parts[0];
        _leaderUrl = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
        if (parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var term))
        {
            NoteTerm(term);
        }

        if (!_leaderKnown || parts[0] != _leaderId)
        {
            LogFollowing(_options.MemberId, parts[0]);
        }

        _leaderKnown = true;
    }

    private async Task RevokeAsync(long leaseId)
    {
        try
        {
            await _etcd.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, await _etcd.OptionsAsync(_options.RequestTimeout, CancellationToken.None));
        }
        catch (Exception ex)
        {
            // The lease expires by itself within LeaseTtl.
            _etcd.Failed(ex);
            LogRevokeFailed(leaseId, Describe(ex));
        }
    }

    private TimeSpan Remaining(long sentAt)
    {
        var left = _options.RenewDeadline - _time.GetElapsedTime(sentAt);
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    private void NoteTerm(long term)
    {
        long seen;
        while (term > (seen = Interlocked.Read(ref _latestTerm)) && Interlocked.CompareExchange(ref _latestTerm, term, seen) != seen)
        {
        }
    }

    private long LocalTerm()
    {
        try
        {
            return _termFile is null ? 0 : SingleControllerLeadership.ReadTerm(_termFile);
        }
        catch (InvalidDataException ex)
        {
            LogTermFileUnreadable(ex.Message);
            return 0;
        }
    }

    private void WriteLocalTerm(long term)
    {
        if (_termFile is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_termFile)!);
            SingleControllerLeadership.WriteTerm(_termFile, term);
        }
        catch (IOException ex)
        {
            LogTermFileUnreadable(ex.Message);
        }
    }

    private void Raise(LeadershipChange change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex);
        }
    }

    private static long ParseTerm(ByteString value) =>
        long.TryParse(value.ToStringUtf8(), NumberStyles.None, CultureInfo.InvariantCulture, out var term)
            ? term
            : throw new InvalidDataException($"the etcd term key holds '{value.ToStringUtf8()}', not a term number");

    private static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    private static RequestOp Range(string key) => new() { RequestRange = new RangeRequest { Key = Key(key) } };

    private static string Describe(Exception ex) => ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;

    [LoggerMessage(6601, LogLevel.Information, "Controller {Member} joins the election on etcd {Endpoints} (lease TTL {Ttl} s)")]
    private partial void LogStarting(string member, string endpoints, double ttl);

    [LoggerMessage(6602, LogLevel.Warning, "Controller {Member} leads in term {Term} (lease {Lease})")]
    private partial void LogLeading(string member, long term, long lease);

    [LoggerMessage(6603, LogLevel.Warning, "Controller {Member} stopped leading term {Term}: {Reason}")]
    private partial void LogLost(string member, long term, string reason);

    [LoggerMessage(6604, LogLevel.Information, "Controller {Member} follows {Leader}")]
    private partial void LogFollowing(string member, string leader);

    [LoggerMessage(6605, LogLevel.Warning, "etcd request via {Endpoint} failed: {Error}; retrying")]
    private partial void LogEtcdFailed(string endpoint, string error);

    [LoggerMessage(6006, LogLevel.Warning, "Lease renewal via {Endpoint} failed: {Error} ({SinceMs} ms since the last renewal was sent)")]
    private partial void LogRenewFailed(string endpoint, string error, double sinceMs);

    [LoggerMessage(6007, LogLevel.Debug, "Revoking lease {Lease} failed: {Error}; it expires by itself")]
    private partial void LogRevokeFailed(long lease, string error);

    [LoggerMessage(6008, LogLevel.Warning, "The local term file: {Error}")]
    private partial void LogTermFileUnreadable(string error);

    [LoggerMessage(6009, LogLevel.Error, "A leadership change handler failed")]
    private partial void LogHandlerFailed(Exception exception);
}
