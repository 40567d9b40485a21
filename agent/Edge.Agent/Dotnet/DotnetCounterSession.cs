using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Edge.Agent.Dotnet;

/// <summary>
/// One EventPipe session on one .NET process, asking the <c>System.Runtime</c> EventSource for its counters every
/// interval and keeping the latest cpu-usage, working-set, gc-heap-size and threadpool-queue-length. Counter payloads
/// arrive as <c>EventCounters</c> events whose <c>Payload</c> holds Name and Mean (or Increment), as documented at
/// https://learn.microsoft.com/dotnet/core/diagnostics/event-counters. The runtime reports MB as 10^6 bytes.
/// </summary>
internal sealed class DotnetCounterSession : IDisposable
{
    private const double BytesPerMB = 1_000_000;
    private const double BytesPerMiB = 1024 * 1024;
    private readonly Lock _lock = new();
    private readonly string _scope;
    private EventPipeSession? _session;
    private EventPipeEventSource? _source;
    private Thread? _reader;
    private double? _cpu, _workingSet, _gcHeap, _queue;
    private volatile bool _ended;

    public DotnetCounterSession(int pid)
    {
        Pid = pid;
        _scope = Edge.Common.Contracts.MetricNames.DotnetScopePrefix + pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Pid { get; }

    /// <summary>True once the process exited or the session broke; the owner disposes it.</summary>
    public bool Ended => _ended;

    /// <summary>The error that ended the session early, if any.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Opens the session; throws when the runtime refuses (e.g. the process exited or disabled diagnostics).</summary>
    public void Start(TimeSpan interval, string socketPath)
    {
        var seconds = Math.Max(1, (int)Math.Round(interval.TotalSeconds));
        var provider = new EventPipeProvider(
            "System.Runtime",
            EventLevel.Informational,
            (long)EventKeywords.All,
            new Dictionary<string, string> { ["EventCounterIntervalSec"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // A connect-mode port completes at once: it only records the path the client connects to per request.
        var client = DiagnosticsClientConnector.FromDiagnosticPort(socketPath + ",connect", CancellationToken.None).GetAwaiter().GetResult().Instance;
        _session = client.StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 4);
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Dynamic.All += OnEvent;
        _reader = new Thread(Read) { IsBackground = true, Name = $"dotnet-counters-{Pid}" };
        _reader.Start();
    }

    /// <summary>Appends the latest value of each counter seen so far.</summary>
    public void AppendLatest(List<Edge.Common.Contracts.MetricSample> samples)
    {
        lock (_lock)
        {
            Add(samples, DotnetMetricNames.CpuPercent, _cpu);
            Add(samples, DotnetMetricNames.WorkingSetMiB, _workingSet);
            Add(samples, DotnetMetricNames.GcHeapMiB, _gcHeap);
            Add(samples, DotnetMetricNames.ThreadPoolQueueLength, _queue);
        }
    }

    public void Dispose()
    {
        _ended = true;
        try
        {
            _session?.Stop();
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException or InvalidOperationException or UnsupportedCommandException)
        {
            // The process is gone; nothing to stop.
        }

        _session?.Dispose();
        _reader?.Join(TimeSpan.FromSeconds(2));
        _source?.Dispose();
    }

    private void Add(List<Edge.Common.Contracts.MetricSample> samples, string metric, double? value)
    {
        if (value is { } v)
        {
            samples.Add(new Edge.Common.Contracts.MetricSample(_scope, metric, v));
        }
    }

    private void Read()
    {
        try
        {
            _source!.Process();
        }
        catch (Exception ex)
        {
            // The stream ends abruptly when the process exits; anything else is reported through Error.
            if (!_ended)
            {
                Error = ex;
            }
        }
        finally
        {
            _ended = true;
        }
    }

    private void OnEvent(TraceEvent traceEvent)
    {
        if (traceEvent.EventName != "EventCounters"
            || traceEvent.PayloadValue(0) is not IDictionary<string, object> outer
            || !outer.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> fields
            || !fields.TryGetValue("Name", out var nameValue) || nameValue is not string name)
        {
            return;
        }

        var value = fields.TryGetValue("Mean", out var mean) ? mean
            : fields.TryGetValue("Increment", out var increment) ? increment
            : null;
        var number = value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            _ => double.NaN,
        };
        if (!double.IsFinite(number))
        {
            return;
        }

        lock (_lock)
        {
            switch (name)
            {
                case "cpu-usage": _cpu = number; break;
                case "working-set": _workingSet = number * BytesPerMB / BytesPerMiB; break;
                case "gc-heap-size": _gcHeap = number * BytesPerMB / BytesPerMiB; break;
                case "threadpool-queue-length": _queue = number; break;
                default: break;
            }
        }
    }
}
