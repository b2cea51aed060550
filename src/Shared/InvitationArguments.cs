namespace BulkInvite;

/// <summary>The argument checks of a store's invitation calls: compiled into every store package, so that each store refuses the same arguments the same way.</summary>
internal static class InvitationArguments
{
    public static void CheckSends(Guid importId, IReadOnlyList<InvitationSend> sends, string paramName = "sends")
    {
        ArgumentNullException.ThrowIfNull(sends, paramName);
        foreach (var send in sends)
        {
            if (send is null || send.Address is null || send.AddressKey is null || send.InitiatedBy is null || send.TokenKeyId is null || send.TokenHash.IsEmpty)
            {
                throw new ArgumentException("Every send needs an address, its key, the initiator, a token hash and its key id.", paramName);
            }

            if (send.ImportId != importId)
            {
                throw new ArgumentException($"Every send must be of import {importId}.", paramName);
            }
        }
    }

    public static void CheckHash(ReadOnlyMemory<byte> tokenHash, string paramName = "tokenHash")
    {
        if (tokenHash.IsEmpty)
        {
            throw new ArgumentException("The token hash must not be empty.", paramName);
        }
    }

    public static void CheckAddressKeys(IReadOnlyList<string> addressKeys, string paramName = "addressKeys")
    {
        ArgumentNullException.ThrowIfNull(addressKeys, paramName);
        foreach (var key in addressKeys)
        {
            if (key is null)
            {
                throw new ArgumentException("No address key may be null.", paramName);
            }
        }
    }

    public static void CheckQuery(InvitationQuery query, string paramName = "query")
    {
        ArgumentNullException.ThrowIfNull(query, paramName);
        if (query.Limit is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(paramName, query.Limit, "The query's Limit must be between 1 and 10,000.");
        }
    }
}
