using BulkInvite.Invitations;
using BulkInvite.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkInvite.Pipeline;

/// <summary>The SDK's <see cref="IBulkInviteService"/>: runs imports in each <see cref="ImportMode"/>, and resumes them.</summary>
internal sealed class BulkInviteService : IBulkInviteService
{
    internal const string NoSenderMessage =
        "No invitation sender is registered. Register one on the BulkInvite builder: AddSender<T>(), or AddSmtpSender(...) / AddPickupFolderSender(...) from the BulkInvite.Smtp package.";

    internal const string NoExistenceCheckMessage =
        "No user-existence check is registered, so existing users would be invited. Register your user directory on the BulkInvite builder with AddUserExistenceCheck<T>(), or opt out explicitly with WithoutUserExistenceCheck().";

    private readonly ImportContext _context;
    private readonly IServiceProvider? _services;
    private readonly IImportWorkStore? _work;

    public BulkInviteService(
        IOptions<BulkInviteOptions> options,
        IEmailValidator validator,
        IEnumerable<IInviteFileParser> parsers,
        IInviteHistoryStore store,
        IEnumerable<IUserExistenceCheck> existenceChecks,
        IEnumerable<IInvitationSender> senders,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IServiceProvider? services = null,
        InvitationTokens? tokens = null,
        IImportWorkStore? workStore = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _work = workStore;
        var value = options.Value;
        var check = existenceChecks.LastOrDefault();
        if (check is null && !value.AllowMissingUserExistenceCheck)
        {
            throw new InvalidOperationException(NoExistenceCheckMessage);
        }

        _context = new ImportContext(
            value,
            validator,
            new InviteParserSelector(parsers),
            store,
            check,
            senders.LastOrDefault(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BulkInvite"),
            tokens ?? InvitationTokens.Create(value, store));
    }

    public Task<BulkInviteReport> ImportAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ValidateRequest(request);
        return request.Mode switch
        {
            ImportMode.Send => new ImportRun(WithSender(request), request, isPreview: false, progress).RunAsync(cancellationToken),
            ImportMode.Preview => new ImportRun(_context, request, isPreview: true, progress).RunAsync(cancellationToken),
            _ => CountAsync(request, progress, cancellationToken),
        };
    }

    /// <summary>The context with the sender the request names, or the default one; a run that sends needs one.</summary>
    private ImportContext WithSender(BulkInviteRequest request) => WithSender(_context, request.SenderName, nameof(request));

    private ImportContext WithSender(ImportContext context, string? senderName, string parameter)
    {
        if (senderName is { } name)
        {
            var named = (_services as IKeyedServiceProvider)?.GetKeyedService<IInvitationSender>(name)
                ?? throw new ArgumentException($"No invitation sender named '{name}' is registered.", parameter);
            context = context with { Sender = named };
        }

        return context.Sender is null ? throw new InvalidOperationException(NoSenderMessage) : context;
    }

    /// <summary>
    /// Runs a claimed import with every write fenced by its lease: from its upload when its file was never read to the
    /// end (again, when a run that stopped had begun it), else on from what its entries say is still pending. An import
    /// with more pending entries than <paramref name="splitSize"/> is split into parts for every worker to send; a part's
    /// lease sends that part's entries.
    /// </summary>
    /// <returns>Whether the import (or the part) was run to its end here; <see langword="false"/> when it was split.</returns>
    internal async Task<bool> RunLeasedAsync(ImportLease lease, IImportWorkStore work, IProgress<BulkInviteProgress> progress, int splitSize, CancellationToken cancellationToken)
    {
        var item = lease.Item;
        var split = false;
        var context = _context with { Store = work.WithLease(lease), RunBy = lease.Owner, LeaveRunningWhenCancelled = true, Part = lease.Part };
        if (item.Mode == ImportMode.Send)
        {
            context = WithSender(context, item.SenderName, nameof(lease));
            if (lease is { Part: null, Parts: 0 })
            {
                context = context with
                {
                    SplitSize = splitSize,
                    Split = async (parts, ct) =>
                    {
                        if (!await work.SplitAsync(lease, parts, _context.Time.GetUtcNow(), ct).ConfigureAwait(false))
                        {
                            throw new ImportLeaseLostException(lease.ImportId, lease.Fence);
                        }

                        split = true;
                    },
                };
            }
        }

        var recorded = await context.Store.GetImportAsync(item.TenantId, item.ImportId, cancellationToken).ConfigureAwait(false);
        if (recorded is { ContentHash: not null })
        {
            // Staged to its end by an earlier run: what was sent is recorded, and only what is pending is sent.
            // (A refused repeat upload ended with its summary only: there is nothing to continue.)
            if (!(recorded.Status is ImportStatus.Completed or ImportStatus.CompletedWithErrors || (recorded.Status == ImportStatus.Failed && recorded.Counts.Total == 0)))
            {
                await new ImportRun(context, recorded, progress).ResumeAsync(cancellationToken).ConfigureAwait(false);
            }

            return !split;
        }

        if (lease.Part is not null)
        {
            throw new KeyNotFoundException($"Import {item.ImportId} has no staged report to send a part of.");
        }

        var upload = await work.OpenUploadAsync(lease, cancellationToken).ConfigureAwait(false);
        await using (upload.ConfigureAwait(false))
        {
            var request = new BulkInviteRequest
            {
                Content = upload,
                FileName = item.FileName,
                TenantId = item.TenantId,
                InitiatedBy = item.InitiatedBy,
                ImportId = item.ImportId,
                Mode = item.Mode,
                ParserName = item.ParserName,
                SenderName = item.SenderName,
                AllowRepeatUpload = item.AllowRepeatUpload,
                ResendPendingInvitations = item.ResendPendingInvitations,
            };
            await new ImportRun(context, request, item.Mode == ImportMode.Preview, progress, restaging: recorded).RunAsync(cancellationToken).ConfigureAwait(false);
            return !split;
        }
    }

    private async Task<BulkInviteReport> CountAsync(BulkInviteRequest request, IProgress<BulkInviteProgress>? progress, CancellationToken cancellationToken)
    {
        var report = await new SummaryRun(_context, request).RunAsync(cancellationToken).ConfigureAwait(false);

        progress?.Report(new BulkInviteProgress { ImportId = report.ImportId, Stage = ImportStage.Finished, EntriesRead = report.Counts.Total, EntriesToSend = 0, Counts = report.Counts });
        return report;
    }

    public async Task<BulkInviteReport> ResumeAsync(string tenantId, Guid importId, IProgress<BulkInviteProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var report = await _context.Store.GetImportAsync(tenantId, importId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Tenant has no import {importId}.");
        if (report.IsPreview)
        {
            throw new InvalidOperationException($"Import {importId} is a preview: it sends nothing and cannot be resumed.");
        }

        if (_work is not null
            && await _work.GetStateAsync(tenantId, importId, _context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { Status: QueuedImportStatus.Queued or QueuedImportStatus.Running } queued)
        {
            throw new InvalidOperationException(
                $"Import {importId} is run by the background workers ({(queued.Owner is { } owner ? "last claimed by " + owner : "queued")}); it continues by itself, and is taken over when its worker stops.");
        }

        var quietFor = _context.Time.GetUtcNow() - (report.UpdatedAt ?? report.CreatedAt);
        if (ImportRun.IsActive(importId)
            || (report.Status == ImportStatus.Running && quietFor < _context.Options.ResumeAfterInactivity))
        {
            throw new InvalidOperationException(
                $"Import {importId} is still running (last progress {quietFor.TotalSeconds:F0} s ago); it can be resumed once it has been quiet for {_context.Options.ResumeAfterInactivity} (BulkInvite:ResumeAfterInactivity).");
        }

        var context = _context;
        if (report.SenderName is { } name)
        {
            var named = (_services as IKeyedServiceProvider)?.GetKeyedService<IInvitationSender>(name)
                ?? throw new InvalidOperationException($"Import {importId} was sent with the sender '{name}', which is not registered.");
            context = context with { Sender = named };
        }

        if (context.Sender is null)
        {
            throw new InvalidOperationException(NoSenderMessage);
        }

        return await new ImportRun(context, report, progress).ResumeAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateRequest(BulkInviteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is null || !request.Content.CanRead)
        {
            throw new ArgumentException("The request's content must be a readable stream.", nameof(request));
        }

        if (request.FileName is null)
        {
            throw new ArgumentException("The request's file name is required (it may be empty).", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.TenantId))
        {
            throw new ArgumentException("The request's tenant id is required.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.InitiatedBy))
        {
            throw new ArgumentException("The request must say who initiates the import.", nameof(request));
        }

        if (!Enum.IsDefined(request.Mode))
        {
            throw new ArgumentException($"The request's mode {(int)request.Mode} is not an {nameof(ImportMode)}.", nameof(request));
        }
    }
}
