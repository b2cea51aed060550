using System.Diagnostics;
using System.Text;
using BulkInvite.Dedupe;
using BulkInvite.Diagnostics;

namespace BulkInvite.Pipeline;

/// <summary>
/// A preview that keeps only the counts (<see cref="ImportMode.CountOnly"/>): the import's own path
/// (the parser's <see cref="IInviteFileParser.ParseIntoAsync"/> into <see cref="EntryClassifier"/>) into a consumer that
/// counts, and, when the host has a user directory or the tenant's ledger holds addresses, asks them about the new
/// addresses in batches; nothing is stored or sent.
/// </summary>
/// <remarks>
/// The counts are those of a <see cref="ImportMode.Preview"/> (the same classifier). Nothing is allocated
/// per entry for plain addresses unless a user directory needs the new ones as strings.
/// </remarks>
internal sealed class SummaryRun(ImportContext context, BulkInviteRequest request) : IClassifiedEntrySink
{
    private readonly OutcomeTally _tally = new();
    private List<string>? _directoryBatch;
    private bool _consultLedger;

    public async Task<BulkInviteReport> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = Instrumentation.ActivitySource.StartActivity("BulkInvite.Summary");
        var started = Stopwatch.GetTimestamp();
        var createdAt = context.Time.GetUtcNow();
        var options = context.Options;
        var content = request.Content;
        long? knownLength = content.CanSeek ? content.Length - content.Position : null;
        if (knownLength > options.MaxFileBytes)
        {
            throw LimitedReadStream.TooLarge(options.MaxFileBytes);
        }

        // Sized for the file at the outset, so that the table does not grow while the file is read. A summary reports
        // counts only, so the table keeps no lines.
        using var addresses = new AddressSet(knownLength is { } bytes ? ImportRun.ExpectedEntries(bytes, options) : 0, keepLines: false);
        await using var limited = new LimitedReadStream(content, options.MaxFileBytes);
        var selection = await context.ParserSelector.SelectAsync(limited, request.FileName, request.ParserName, cancellationToken).ConfigureAwait(false);
        _consultLedger = await ImportRun.LedgerHoldsAddressesAsync(context, request.TenantId, cancellationToken).ConfigureAwait(false);
        _directoryBatch = context.ExistenceCheck is not null || _consultLedger ? [] : null;
        var classifier = new EntryClassifier(context, addresses, this);
        try
        {
            await selection.Parser.ParseIntoAsync(selection.Content, classifier, cancellationToken).ConfigureAwait(false);
            await classifier.CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            // The second thread ends before the table it fills is freed.
            await classifier.DiscardAsync().ConfigureAwait(false);
            throw;
        }

        await CheckUsersAsync(cancellationToken).ConfigureAwait(false);

        var counts = _tally.ToCounts();
        Log.PreviewCompleted(context.Logger, request.ImportId ?? Guid.Empty, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, counts.Pending);
        return new BulkInviteReport
        {
            ImportId = request.ImportId ?? Guid.NewGuid(),
            TenantId = request.TenantId,
            FileName = request.FileName,
            InitiatedBy = request.InitiatedBy,
            IsPreview = true,
            Status = ImportStatus.Completed,
            Counts = counts,
            CreatedAt = createdAt,
            CompletedAt = context.Time.GetUtcNow(),
            UpdatedAt = context.Time.GetUtcNow(),
            ParserName = selection.Parser.Name,
        };
    }

    public bool NeedsKeys => _directoryBatch is not null;

    public void Take(in ClassifiedEntries entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var outcome = entries.OutcomeAt(i);
            _tally.Add(outcome);
            if (outcome == InviteOutcome.Pending && _directoryBatch is not null)
            {
                // The key is the normalized address the user directory is asked about.
                _directoryBatch.Add(Encoding.UTF8.GetString(entries[i].Key));
            }
        }
    }

    public ValueTask PauseAsync(CancellationToken cancellationToken)
        => _directoryBatch?.Count >= context.Options.ExistenceCheckBatchSize ? new ValueTask(CheckUsersAsync(cancellationToken)) : default;

    /// <summary>
    /// Asks the user directory, then the ledger, about the new addresses found so far, in batches of
    /// <see cref="BulkInviteOptions.ExistenceCheckBatchSize"/>.
    /// </summary>
    private async Task CheckUsersAsync(CancellationToken cancellationToken)
    {
        if (_directoryBatch is null)
        {
            return;
        }

        var check = context.ExistenceCheck;
        var size = context.Options.ExistenceCheckBatchSize;
        for (var offset = 0; offset < _directoryBatch.Count; offset += size)
        {
            var addresses = _directoryBatch.GetRange(offset, Math.Min(size, _directoryBatch.Count - offset));
            var statuses = check is null ? null : await check.CheckAsync(new UserExistenceQuery { TenantId = request.TenantId, Addresses = addresses }, cancellationToken).ConfigureAwait(false);
            if (check is not null && (statuses is null || statuses.Count != addresses.Count))
            {
                throw new InvalidOperationException(
                    $"The user-existence check {check.GetType().Name} returned {statuses?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} statuses for {addresses.Count} addresses; it must return one status per address, in order.");
            }

            var holders = _consultLedger
                ? await context.Store.FindLiveInvitationsAsync(request.TenantId, addresses, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
                : null;
            for (var i = 0; i < addresses.Count; i++)
            {
                var status = statuses?[i] ?? UserStatus.Unknown;
                if (status == UserStatus.Member)
                {
                    _tally.Move(InviteOutcome.Pending, InviteOutcome.ExistingUser);
                }
                else if (status == UserStatus.PendingInvitation && !request.ResendPendingInvitations)
                {
                    _tally.Move(InviteOutcome.Pending, InviteOutcome.AlreadyInvited);
                }
                else if (holders?[i] is { } holder && ImportRun.LedgerOutcome(holder, request.ResendPendingInvitations) is { } outcome)
                {
                    _tally.Move(InviteOutcome.Pending, outcome);
                }
            }
        }

        _directoryBatch.Clear();
    }
}
