using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Tests;

/// <summary>A logger provider that records every Error or worse, so a test can fail on unexpected errors.</summary>
internal sealed class ErrorLog : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(ErrorLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
