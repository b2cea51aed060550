using BulkInvite.Cli.Output;

namespace BulkInvite.Cli.Tests;

/// <summary>The one-line progress the tool shows on a terminal.</summary>
[TestFixture]
public sealed class TerminalProgressTests
{
    private static BulkInviteProgress Progress(ImportStage stage, OutcomeCounts counts, long read = 0)
        => new() { ImportId = Guid.NewGuid(), Stage = stage, EntriesRead = read, EntriesToSend = counts.Pending, Counts = counts };

    [Test]
    public void Sending_shows_the_existing_users_found_while_sending()
    {
        using var error = new StringWriter();
        using (var progress = new TerminalProgress(error))
        {
            progress.Report(Progress(ImportStage.Sending, new OutcomeCounts { Invited = 1_200, ExistingUser = 30, AlreadyInvited = 4, Failed = 2, Pending = 5_000 }));
            Assert.That(error.ToString(), Is.EqualTo("\r\u001b[2Ksending: 1,200 invited, 34 existing or already invited, 2 failed, 5,000 to go"));
        }

        Assert.That(error.ToString(), Does.EndWith("\r\u001b[2K"), "the line is cleared at the end");
    }

    [Test]
    public void Each_stage_replaces_the_line_and_the_end_clears_it()
    {
        using var error = new StringWriter();
        var progress = new TerminalProgress(error);

        progress.Report(Progress(ImportStage.Staging, OutcomeCounts.Empty, read: 10_000));
        progress.Report(Progress(ImportStage.CheckingUsers, new OutcomeCounts { ExistingUser = 3, Pending = 9 }));
        progress.Report(Progress(ImportStage.Finished, OutcomeCounts.Empty));

        Assert.That(error.ToString(), Is.EqualTo(
            "\r\u001b[2Kreading: 10,000 entries" + "\r\u001b[2Kchecking users: 3 existing, 9 to invite" + "\r\u001b[2K"));
    }
}
