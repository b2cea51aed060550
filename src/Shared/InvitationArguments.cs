namespace BulkInvite;

/// <summary>The argument checks of a store's invitation calls: compiled into every store package, so that each store refuses the same arguments the same way.</summary>
internal static class InvitationArguments
{
    public static void CheckSends(Guid importId, IReadOnlyList<InvitationSend> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        foreach (var send in sends)
        {
            if (send is null || send.Address is null || send.AddressKey is null || send.InitiatedBy is null || send.TokenKeyId is null || send.TokenHash.IsEmpty)
            {
                throw new ArgumentException("Every send needs an address, its key, the initiator, a token hash and its key id.", nameof(sends));
            }

            if (send.ImportId != importId)
            {
                throw new ArgumentException($"Every send must be of import {importId}.", nameof(sends));
            }
        }
    }

    public static void CheckHash(ReadOnlyMemory<byte> tokenHash)
    {
        if (tokenHash.IsEmpty)
        {
            throw new ArgumentException("The token hash must not be empty.", nameof(tokenHash));
        }
    }

    public static void CheckAddressKeys(IReadOnlyList<string> addressKeys)
    {
        ArgumentNullException.ThrowIfNull(addressKeys);
        foreach (var key in addressKeys)
        {
            if (key is null)
            {
                throw new ArgumentException("No address key may be null.", nameof(addressKeys));
            }
        }
    }

    public static void CheckQuery(InvitationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "The query's Limit must be between 1 and 10,000.");
        }
    }
}
