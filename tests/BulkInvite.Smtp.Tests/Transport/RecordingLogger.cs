using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Smtp.Tests.Transport;

/// <summary>Keeps every log entry (event id, formatted message, exception) for assertions.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(EventId EventId, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId, logLevel, formatter(state, exception), exception));
}
