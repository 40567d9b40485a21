using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// A logger provider that keeps every Error or Critical entry (category, event id, message, exception) for the
/// runner to pick up: a receiver logging an error on fuzzed input counts as a crash. Bounded: past
/// <see cref="Capacity"/> entries only the count grows.
/// </summary>
internal sealed class ErrorLogCapture : ILoggerProvider
{
    private const int Capacity = 256;
    private readonly ConcurrentQueue<string> _errors = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>The errors logged since the last call, joined; null when there were none.</summary>
    public string? Take()
    {
        var taken = new List<string>();
        while (_errors.TryDequeue(out var entry))
        {
            taken.Add(entry);
        }

        return taken.Count == 0 ? null : string.Join("\n", taken);
    }

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        Interlocked.Increment(ref _total);
        if (_errors.Count < Capacity)
        {
            _errors.Enqueue(entry);
        }
    }

    private sealed class CapturingLogger(ErrorLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}
