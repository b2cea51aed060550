namespace BulkInvite;

/// <summary>
/// The invitations the SDK keeps: look a token up, accept it (once), resend, revoke, list, and expire them. Tokens
/// come from the invitation's link (<c>?token=…</c>); only a keyed hash of each is stored, so neither the store nor
/// this service can give one back.
/// </summary>
/// <remarks>
/// Expected outcomes (an expired, revoked, used or unknown token; a closed invitation) are results, not exceptions.
/// Every call that names a tenant reads and changes only that tenant's invitations; a token names its own tenant.
/// Registered by <c>AddBulkInvite</c> as a singleton.
/// </remarks>
public interface IInvitationService
{
    /// <summary>Reads the invitation a token belongs to without consuming it (the page that shows "Join Contoso, invited by Alice, expires on …").</summary>
    /// <param name="token">The token from the link.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The invitation with its current state, or <see langword="null"/> when no invitation has this token.</returns>
    Task<InvitationRecord?> LookupAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Accepts the invitation a token belongs to: atomic and single use (of many concurrent calls with one token, exactly
    /// one gets <see cref="InvitationAcceptStatus.Accepted"/>).
    /// </summary>
    /// <param name="token">The token from the link.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accepted invitation (create the account from it), or the reason for the refusal.</returns>
    Task<InvitationAcceptResult> AcceptAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Reads one invitation of a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The invitation, or <see langword="null"/> when the tenant has no such invitation.</returns>
    Task<InvitationRecord?> GetAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's invitations, one page at a time (keyset paging by id).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">The filters and the page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page; <see cref="InvitePage{T}.TotalCount"/> is -1 (not counted).</returns>
    Task<InvitePage<InvitationRecord>> ListAsync(string tenantId, InvitationQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a pending or expired invitation again, with a new link and a new expiry, through the sender its import was
    /// sent with; the old link accepts nothing from the moment the new one is recorded, before the email leaves.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was sent.</returns>
    /// <exception cref="InvitationTransportException">The transport is unavailable (the new link was recorded but not sent; resend again).</exception>
    Task<InvitationResendResult> ResendAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a pending invitation: its link accepts nothing from now on.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="invitationId">The invitation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it was pending and is now revoked.</returns>
    Task<bool> RevokeAsync(string tenantId, Guid invitationId, CancellationToken cancellationToken = default);

    /// <summary>Resends every pending or expired invitation of one import of a tenant (see <see cref="ResendAsync"/>).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the call; what was sent stays sent.</param>
    /// <returns>How many were sent.</returns>
    /// <exception cref="InvitationTransportException">The transport is unavailable; what was sent before stays sent.</exception>
    Task<int> ResendImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Revokes every pending invitation of one import of a tenant.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="importId">The import.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were revoked.</returns>
    Task<int> RevokeImportAsync(string tenantId, Guid importId, CancellationToken cancellationToken = default);

    /// <summary>Records <see cref="InvitationState.Expired"/> on a tenant's pending invitations whose lifetime has passed, so that history shows it.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were recorded expired.</returns>
    Task<int> ExpireAsync(string tenantId, CancellationToken cancellationToken = default);
}
