namespace BulkInvite;

/// <summary>Deletes history: old imports (a retention period) and one person's entries (a privacy request).</summary>
public interface IBulkInviteRetention
{
    /// <summary>
    /// Deletes a tenant's imports (previews included) created before a point in time, with their reports
    /// (retention: "keep history for 90 days"). Other tenants' history is never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cutoff">Imports started before this instant are deleted.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many imports were deleted.</returns>
    Task<int> DeleteHistoryBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every report row of a tenant's imports for one address, compared ignoring case (a privacy request).
    /// The imports' counts are kept. Other tenants' history is never touched.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="address">The address to forget, without a display name; surrounding whitespace is ignored.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many entries were deleted.</returns>
    Task<long> ForgetAddressAsync(string tenantId, string address, CancellationToken cancellationToken = default);
}
