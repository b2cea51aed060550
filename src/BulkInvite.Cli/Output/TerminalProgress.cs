using System.Globalization;

namespace BulkInvite.Cli.Output;

/// <summary>Shows the progress of a long run on one terminal line of stderr, and clears it at the end.</summary>
internal sealed class TerminalProgress(TextWriter error) : IProgress<BulkInviteProgress>, IDisposable
{
    private readonly Lock _lock = new();
    private bool _shown;

    public void Report(BulkInviteProgress value)
    {
        var counts = value.Counts;
        var line = value.Stage switch
        {
            ImportStage.Staging => string.Create(CultureInfo.InvariantCulture, $"reading: {value.EntriesRead:N0} entries"),
            ImportStage.CheckingUsers => string.Create(CultureInfo.InvariantCulture, $"checking users: {counts.ExistingUser:N0} existing, {counts.Pending:N0} to invite"),
            // An import asks the user directory about each page as it sends: existing users are found while sending.
            ImportStage.Sending => string.Create(
                CultureInfo.InvariantCulture,
                $"sending: {counts.Invited:N0} invited, {counts.ExistingUser + counts.AlreadyInvited:N0} existing or already invited, {counts.Failed:N0} failed, {counts.Pending:N0} to go"),
            _ => null,
        };
        lock (_lock)
        {
            if (line is null)
            {
                Clear();
                return;
            }

            error.Write("\r\u001b[2K" + line);
            _shown = true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Clear();
        }
    }

    private void Clear()
    {
        if (_shown)
        {
            error.Write("\r\u001b[2K");
            _shown = false;
        }
    }
}
