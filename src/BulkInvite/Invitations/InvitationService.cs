using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BulkInvite.Invitations;

/// <summary>
/// The SDK's <see cref="IInvitationService"/>: tokens are hashed under every configured key and handed to the store,
/// which decides atomically; the lifetime comes from <see cref="BulkInviteOptions.InvitationLifetime"/> and the time
/// from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class InvitationService : IInvitationService
{
    private readonly IInviteHistoryStore _store;
    private readonly InvitationTokens _tokens;
    private readonly BulkInviteOptions _options;
    private readonly TimeProvider _time;
    private readonly IServiceProvider? _services;

    public InvitationService(
        IOptions<BulkInviteOptions> options,
        IInviteHistoryStore store,
        InvitationTokens tokens,
        TimeProvider? timeProvider = null,
        IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tokens);
        _options = options.Value;
        _store = store;
        _tokens = tokens;
        _time = timeProvider ?? TimeProvider.System;
        _services = services;
    }

    public async Task<InvitationRecord?> LookupAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow();
        foreach (var hash in _tokens.Hashes(token))
        {
            if (await _store.FindInvitationByTokenHashAsync(hash, now, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    public async Task<InvitationAcceptResult> AcceptAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hashes = _tokens.Hashes(token);
        var now = _time.GetUtcNow();
        foreach (var hash in hashes)
        {
            if (await _store.AcceptInvitationAsync(hash, now, cancellationToken).ConfigureAwait(false) is { } accepted)
            {
                return new InvitationAcceptResult { Status = InvitationAcceptStatus.Accepted, Invitation = accepted };
            }
        }

        // Refused: the reason is the state of the invitation the token belongs to, and nothing else.
        foreach (var hash in hashes)
        {
            if (await _store.FindInvitationByTokenHashAsync(hash, now, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return new InvitationAcceptResult
                {
                    Status = found.State switch
                    {
                        InvitationState.Accepted => InvitationAcceptStatus.AlreadyUsed,
                        InvitationState.Revoked => InvitationAcceptStatus.Revoked,
                        InvitationState.Expired => InvitationAcceptStatus.Expired,
                        _ => InvitationAcceptStatus.Unknown,
                    },
                };
            }
        }

        return new InvitationAcceptResult { Status = InvitationAcceptStatus.Unknown };
    }

    public Task<InvitationRecord?> GetAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _store.GetInvitationAsync(tenantId, invitationId, _time.GetUtcNow(), cancellationToken);
    }

    public Task<InvitePage<InvitationRecord>> ListAsync(string tenantId, InvitationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        InvitationArguments.CheckQuery(query);
        return _store.ListInvitationsAsync(tenantId, query, _time.GetUtcNow(), cancellationToken);
    }

    public async Task<InvitationResendResult> ResendAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var invitation = await _store.GetInvitationAsync(tenantId, invitationId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return invitation is null
            ? new InvitationResendResult { Status = InvitationResendStatus.NotFound }
            : await ResendAsync(invitation, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> RevokeAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _store.RevokeInvitationAsync(tenantId, invitationId, _time.GetUtcNow(), cancellationToken);
    }

    public async Task<int> ResendImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var sent = 0;
        Guid? after = null;
        while (true)
        {
            var page = await _store.ListInvitationsAsync(tenantId, new InvitationQuery { ImportId = importId, AfterInvitationId = after, Limit = 500 }, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            foreach (var invitation in page.Items)
            {
                if (invitation.State is InvitationState.Pending or InvitationState.Expired
                    && (await ResendAsync(invitation, cancellationToken).ConfigureAwait(false)).Status == InvitationResendStatus.Sent)
                {
                    sent++;
                }
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                return sent;
            }

            after = page.Items[^1].InvitationId;
        }
    }

    public Task<int> RevokeImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _store.RevokeInvitationsOfImportAsync(tenantId, importId, _time.GetUtcNow(), cancellationToken);
    }

    public Task<int> ExpireAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _store.ExpireInvitationsAsync(tenantId, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Records the new token (the old one dies with it), then sends: the email never carries an unrecorded link.</summary>
    private async Task<InvitationResendResult> ResendAsync(InvitationRecord invitation, CancellationToken cancellationToken)
    {
        if (invitation.State is InvitationState.Accepted or InvitationState.Revoked)
        {
            return new InvitationResendResult { Status = InvitationResendStatus.Closed, Invitation = invitation };
        }

        var sender = await SenderOfAsync(invitation, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var expiresAt = now + _options.InvitationLifetime;
        var (token, hash) = _tokens.Issue();
        var messageKey = string.Create(CultureInfo.InvariantCulture, $"{invitation.ImportId:N}.{invitation.Sequence}.{invitation.SendCount + 1}");
        var statuses = await _store.RecordInvitationSendsAsync(
            invitation.TenantId,
            invitation.ImportId,
            [],
            [new InvitationSend
            {
                InvitationId = invitation.InvitationId,
                ImportId = invitation.ImportId,
                Sequence = invitation.Sequence,
                Line = invitation.Line,
                Address = invitation.Address,
                AddressKey = invitation.AddressKey,
                DisplayName = invitation.DisplayName,
                Fields = invitation.Fields,
                InitiatedBy = invitation.InitiatedBy,
                TokenHash = hash,
                TokenKeyId = _tokens.CurrentKeyId,
                SentAt = now,
                ExpiresAt = expiresAt,
                MessageKey = messageKey,
            }],
            cancellationToken).ConfigureAwait(false);
        var recorded = await _store.GetInvitationAsync(invitation.TenantId, invitation.InvitationId, now, cancellationToken).ConfigureAwait(false) ?? invitation;
        if (statuses[0] != InvitationSendStatus.Recorded)
        {
            return new InvitationResendResult { Status = InvitationResendStatus.Closed, Invitation = recorded };
        }

        var result = await sender.SendAsync(
            new Invitation
            {
                ImportId = invitation.ImportId,
                Sequence = invitation.Sequence,
                TenantId = invitation.TenantId,
                InitiatedBy = invitation.InitiatedBy,
                Address = invitation.Address,
                DisplayName = invitation.DisplayName,
                Fields = invitation.Fields,
                MessageKey = messageKey,
                AcceptToken = token,
                ExpiresAt = expiresAt,
            },
            cancellationToken).ConfigureAwait(false);
        return new InvitationResendResult
        {
            Status = result.Succeeded ? InvitationResendStatus.Sent : InvitationResendStatus.Rejected,
            Invitation = recorded,
            Detail = result.Detail,
        };
    }

    /// <summary>The sender the invitation's import was sent with (a named one when it had a name), else the default.</summary>
    private async Task<IInvitationSender> SenderOfAsync(InvitationRecord invitation, CancellationToken cancellationToken)
    {
        var import = await _store.GetImportAsync(invitation.TenantId, invitation.ImportId, cancellationToken).ConfigureAwait(false);
        if (import?.SenderName is { } name)
        {
            return (_services as IKeyedServiceProvider)?.GetKeyedService<IInvitationSender>(name)
                ?? throw new InvalidOperationException($"Import {invitation.ImportId} was sent with the sender '{name}', which is not registered.");
        }

        return _services?.GetServices<IInvitationSender>().LastOrDefault()
            ?? throw new InvalidOperationException(Pipeline.BulkInviteService.NoSenderMessage);
    }
}
