using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Cli.Output;

/// <summary>
/// The log of <c>bulkinvite worker</c> on stderr: one line per event of the background imports (claimed, lease lost,
/// given back, attempts exhausted, the store not answering: <see cref="BulkInviteEventIds"/> 1300-1399) and of an
/// import's end or trouble (ended, failed, resumed, in flight after a crash, transport or recording failed). Each line
/// is the time (UTC), the level, the event id and the SDK's message, with the exception's type and message (never a
/// stack trace); the messages carry ids and counts, never addresses. Other events, and every event of another library
/// (Npgsql's ids overlap the SDK's), are left out.
/// </summary>
/// <remarks>
/// The tool's own logger factory rather than <c>Microsoft.Extensions.Logging.Console</c>: the SDK's messages are
/// generated at compile time (<c>[LoggerMessage]</c>), so this needs no reflection, and the native tool stays small.
/// </remarks>
internal sealed class WorkerLog(TextWriter error, TimeProvider time) : ILoggerFactory, ILogger
{
    private readonly Lock _lock = new();

    /// <summary>Whether a logger's category is the SDK's: <c>BulkInvite</c> or a type of it.</summary>
    internal static bool IsSdk(string categoryName)
        => categoryName == "BulkInvite" || categoryName.StartsWith("BulkInvite.", StringComparison.Ordinal);

    /// <summary>Whether the worker's log shows an event.</summary>
    internal static bool IsShown(int eventId) => eventId is (>= 1300 and <= 1399)
        or BulkInviteEventIds.ImportCompleted
        or BulkInviteEventIds.ImportFailed
        or BulkInviteEventIds.ImportCancelled
        or BulkInviteEventIds.PreviewCompleted
        or BulkInviteEventIds.ImportResumed
        or BulkInviteEventIds.TransportUnavailable
        or BulkInviteEventIds.RecordingFailed
        or BulkInviteEventIds.InFlightAfterCrash;

    public ILogger CreateLogger(string categoryName) => IsSdk(categoryName) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The worker's log writes to stderr only.");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel) || !IsShown(eventId.Id))
        {
            return;
        }

        var cause = exception is null ? string.Empty : $": {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {Level(logLevel)} {eventId.Id} {formatter(state, exception).ReplaceLineEndings(" ")}{cause}");
        lock (_lock)
        {
            error.WriteLine(line);
            error.Flush();
        }
    }

    public void Dispose()
    {
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
