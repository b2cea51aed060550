using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BulkInvite.Invitations;

/// <summary>
/// Issues accept-link tokens and hashes them: 256 random bits in base64url (43 characters), hashed with HMAC-SHA256
/// under each configured key. The first key hashes new tokens; every key verifies. Only the hash and the key's id
/// are ever stored.
/// </summary>
internal sealed class InvitationTokens
{
    /// <summary>The length of a token in characters: 32 bytes in base64url without padding.</summary>
    public const int TokenLength = 43;

    internal const string EphemeralKeyId = "in-memory";

    internal const string NoKeyMessage =
        "BulkInvite:InvitationTokenKeys is empty, and the history store keeps invitations beyond this process: configure at least one key "
        + "(an Id and a base64 Key of 32 bytes or more, for example from `openssl rand -base64 32`), kept in the host's secret store. "
        + "A random key would make every link useless at the next restart.";

    private const int TokenBytes = 32;

    private readonly (string Id, byte[] Key)[] _keys;

    private InvitationTokens((string Id, byte[] Key)[] keys) => _keys = keys;

    /// <summary>The id of the key that hashes new tokens.</summary>
    public string CurrentKeyId => _keys[0].Id;

    /// <summary>
    /// The tokens of a store: the configured keys; with none, the in-memory store's own random key; with none and any
    /// other store, <see cref="InvalidOperationException"/> (<see cref="NoKeyMessage"/>).
    /// </summary>
    public static InvitationTokens Create(BulkInviteOptions options, IInviteHistoryStore store)
    {
        if (options.InvitationTokenKeys.Count > 0)
        {
            return new InvitationTokens(options.InvitationTokenKeys.Select(k => (k.Id, Convert.FromBase64String(k.Key))).ToArray());
        }

        return store is InMemoryInviteHistoryStore memory
            ? new InvitationTokens([(EphemeralKeyId, memory.TokenKey)])
            : throw new InvalidOperationException(NoKeyMessage);
    }

    /// <summary>Whether a store can do without configured keys.</summary>
    public static bool NeedsConfiguredKey(IInviteHistoryStore store) => store is not InMemoryInviteHistoryStore;

    /// <summary>A new token and its hash under the current key.</summary>
    public (string Token, byte[] Hash) Issue()
    {
        Span<byte> random = stackalloc byte[TokenBytes];
        Randomness.Fill(random);
        Span<byte> text = stackalloc byte[TokenLength];
        var length = Base64Url.EncodeToUtf8(random, text);
        random.Clear();

        // HMAC-SHA256 of the token's text (as Hashes computes it when a link comes back).
        var hmac = Hmac.For(_keys[0].Key);
        hmac.AppendData(text[..length]);
        return (Encoding.ASCII.GetString(text[..length]), hmac.GetHashAndReset());
    }

    /// <summary>The hashes of a token under every key, current first; none when the text cannot be a token.</summary>
    public IReadOnlyList<byte[]> Hashes(string token)
    {
        if (!IsWellFormed(token))
        {
            return [];
        }

        // HMAC-SHA256 of the token's text: a token changed in any character has another hash. Checking a link is rare
        // beside issuing tokens: a one-shot HMAC for each key, which leaves each thread's kept HMAC with the key that issues.
        Span<byte> text = stackalloc byte[TokenLength];
        var length = Encoding.ASCII.GetBytes(token, text);
        var hashes = new byte[_keys.Length][];
        for (var i = 0; i < _keys.Length; i++)
        {
            hashes[i] = HMACSHA256.HashData(_keys[i].Key, text[..length]);
        }

        return hashes;
    }

    private static bool IsWellFormed(string token)
    {
        if (token.Length != TokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The thread's HMAC of the last key that issued on it, kept between tokens: a one-shot
    /// <see cref="HMACSHA256.HashData(byte[], byte[])"/> sets up a new context each time, which cost more than the hash
    /// itself when an import issued a token per entry. A thread keeps that key (and its context) until it issues under
    /// another one.
    /// </summary>
    private static class Hmac
    {
        [ThreadStatic]
        private static IncrementalHash? t_hmac;

        [ThreadStatic]
        private static byte[]? t_key;

        public static IncrementalHash For(byte[] key)
        {
            if (t_hmac is null || !ReferenceEquals(t_key, key))
            {
                t_hmac?.Dispose();
                t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
                t_key = key;
            }

            return t_hmac;
        }
    }

    /// <summary>
    /// The system's cryptographic random source, read 2 KiB at a time for each thread and handed out once: a read of
    /// 32 bytes per token was a system call per entry of an import. A block is cleared as it is handed out.
    /// </summary>
    private static class Randomness
    {
        private const int BlockBytes = 2048;

        [ThreadStatic]
        private static byte[]? t_block;

        [ThreadStatic]
        private static int t_used;

        public static void Fill(Span<byte> destination)
        {
            // Pinned, so that the collector never leaves copies of unissued bytes where clearing does not reach.
            var block = t_block ??= GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            if (t_used == 0 || t_used + destination.Length > BlockBytes)
            {
                RandomNumberGenerator.Fill(block);
                t_used = 0;
            }

            var taken = block.AsSpan(t_used, destination.Length);
            taken.CopyTo(destination);
            taken.Clear();
            t_used += destination.Length;
        }
    }
}
