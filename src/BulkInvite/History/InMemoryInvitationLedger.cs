using System.Security.Cryptography;

namespace BulkInvite.History;

/// <summary>
/// The in-memory store's invitations: one lock over four maps (by id, by entry, by address, by token hash), so every change is
/// one step that concurrent callers see whole. A token hash found through the map is compared again in constant time.
/// </summary>
internal sealed class InMemoryInvitationLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Row> _byId = [];
    private readonly Dictionary<(string Tenant, Guid Import, long Sequence), Row> _byEntry = [];
    private readonly Dictionary<byte[], Row> _byHash = new(TokenHashComparer.Instance);
    // The invitations of an address, newest first, chained through Row.NextOfAddress: no list object per address.
    private readonly Dictionary<(string Tenant, string AddressKey), Row> _byAddress = [];

    public IReadOnlyList<InvitationSendStatus> Record(string tenantId, IReadOnlyList<InvitationSend> sends)
    {
        var statuses = new InvitationSendStatus[sends.Count];
        lock (_lock)
        {
            for (var i = 0; i < sends.Count; i++)
            {
                statuses[i] = Record(tenantId, sends[i]);
            }
        }

        return statuses;
    }

    private InvitationSendStatus Record(string tenantId, InvitationSend send)
    {
        _byEntry.TryGetValue((tenantId, send.ImportId, send.Sequence), out var row);
        if (row is not null && row.State is InvitationState.Accepted or InvitationState.Revoked)
        {
            return InvitationSendStatus.Closed;
        }

        // One live invitation per address: an expired one holds nothing; a pending one holds it unless replaced.
        _byAddress.TryGetValue((tenantId, send.AddressKey), out var ofAddress);
        for (var other = ofAddress; other is not null; other = other.NextOfAddress)
        {
            if (other == row)
            {
                continue;
            }

            if (other.State == InvitationState.Pending && other.ExpiresAt <= send.SentAt)
            {
                other.State = InvitationState.Expired;
            }

            if (other.State == InvitationState.Accepted || (other.State == InvitationState.Pending && !send.ReplacePending))
            {
                return InvitationSendStatus.AddressInvited;
            }
        }

        if (send.ReplacePending)
        {
            for (var other = ofAddress; other is not null; other = other.NextOfAddress)
            {
                if (other != row && other.State == InvitationState.Pending)
                {
                    other.State = InvitationState.Revoked;
                    other.RevokedAt = send.SentAt;
                }
            }
        }

        if (row is not null)
        {
            _byHash.Remove(row.TokenHash);
            row.TokenHash = send.TokenHash.ToArray();
            row.TokenKeyId = send.TokenKeyId;
            row.State = InvitationState.Pending;
            row.ExpiresAt = send.ExpiresAt;
            row.SendCount++;
            row.LastSentAt = send.SentAt;
            row.LastMessageKey = send.MessageKey;
        }
        else
        {
            if (_byId.ContainsKey(send.InvitationId))
            {
                throw new InvalidOperationException($"An invitation with id {send.InvitationId} exists already.");
            }

            row = new Row
            {
                InvitationId = send.InvitationId,
                TenantId = tenantId,
                Address = send.Address,
                AddressKey = send.AddressKey,
                ImportId = send.ImportId,
                Sequence = send.Sequence,
                Line = send.Line,
                DisplayName = send.DisplayName,
                Fields = send.Fields is null ? null : new Dictionary<string, string>(send.Fields, StringComparer.Ordinal),
                InitiatedBy = send.InitiatedBy,
                State = InvitationState.Pending,
                CreatedAt = send.SentAt,
                ExpiresAt = send.ExpiresAt,
                SendCount = 1,
                LastSentAt = send.SentAt,
                LastMessageKey = send.MessageKey,
                TokenHash = send.TokenHash.ToArray(),
                TokenKeyId = send.TokenKeyId,
            };
            _byId.Add(row.InvitationId, row);
            _byEntry.Add((tenantId, send.ImportId, send.Sequence), row);
            row.NextOfAddress = ofAddress;
            _byAddress[(tenantId, send.AddressKey)] = row;
        }

        if (!_byHash.TryAdd(row.TokenHash, row))
        {
            throw new InvalidOperationException("Two invitations cannot have the same token hash.");
        }

        return InvitationSendStatus.Recorded;
    }

    public InvitationRecord? FindByHash(ReadOnlyMemory<byte> tokenHash, DateTimeOffset asOf)
    {
        lock (_lock)
        {
            return ByHash(tokenHash.Span)?.ToRecord(asOf);
        }
    }

    public InvitationRecord? Accept(ReadOnlyMemory<byte> tokenHash, DateTimeOffset now)
    {
        lock (_lock)
        {
            var row = ByHash(tokenHash.Span);
            if (row is null || row.State != InvitationState.Pending || row.ExpiresAt <= now)
            {
                return null;
            }

            row.State = InvitationState.Accepted;
            row.AcceptedAt = now;
            return row.ToRecord(now);
        }
    }

    public InvitationRecord? Get(string tenantId, Guid invitationId, DateTimeOffset asOf)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(invitationId, out var row) && row.TenantId == tenantId ? row.ToRecord(asOf) : null;
        }
    }

    public IReadOnlyList<InvitationRecord?> FindLive(string tenantId, IReadOnlyList<string> addressKeys, DateTimeOffset asOf)
    {
        var found = new InvitationRecord?[addressKeys.Count];
        lock (_lock)
        {
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = FindLive(tenantId, addressKeys[i], asOf);
            }
        }

        return found;
    }

    private InvitationRecord? FindLive(string tenantId, string addressKey, DateTimeOffset asOf)
    {
        _byAddress.TryGetValue((tenantId, addressKey), out var rows);
        Row? live = null;
        for (var row = rows; row is not null; row = row.NextOfAddress)
        {
            var state = row.StateAt(asOf);
            if (state == InvitationState.Accepted)
            {
                return row.ToRecord(asOf);
            }

            if (state == InvitationState.Pending && (live is null || row.InvitationId.CompareTo(live.InvitationId) > 0))
            {
                live = row;
            }
        }

        return live?.ToRecord(asOf);
    }

    /// <summary>The invitations of one import's entries in a range of sequence numbers, as a report shows them.</summary>
    public Dictionary<long, EntryInvitation> OfEntries(string tenantId, Guid importId, long afterSequence, long lastSequence, DateTimeOffset asOf)
    {
        var found = new Dictionary<long, EntryInvitation>();
        lock (_lock)
        {
            foreach (var row in _byId.Values)
            {
                if (row.TenantId == tenantId && row.ImportId == importId && row.Sequence > afterSequence && row.Sequence <= lastSequence)
                {
                    found[row.Sequence] = row.ToEntryInvitation(asOf);
                }
            }
        }

        return found;
    }

    public InvitationCounts Count(string tenantId, Guid importId, DateTimeOffset asOf)
    {
        var counts = InvitationCounts.Empty;
        lock (_lock)
        {
            foreach (var row in _byId.Values)
            {
                if (row.TenantId == tenantId && row.ImportId == importId)
                {
                    counts = counts.Add(row.StateAt(asOf));
                }
            }
        }

        return counts;
    }

    public InvitePage<InvitationRecord> List(string tenantId, InvitationQuery query, DateTimeOffset asOf)
    {
        lock (_lock)
        {
            var rows = _byId.Values
                .Where(r => r.TenantId == tenantId
                    && (query.ImportId is not { } import || r.ImportId == import)
                    && (query.AfterInvitationId is not { } after || r.InvitationId.CompareTo(after) > 0)
                    && (query.State is not { } state || r.StateAt(asOf) == state))
                .OrderBy(r => r.InvitationId)
                .Take(query.Limit + 1)
                .Select(r => r.ToRecord(asOf))
                .ToList();
            var hasMore = rows.Count > query.Limit;
            if (hasMore)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            return new InvitePage<InvitationRecord> { Items = rows, TotalCount = -1, HasMore = hasMore };
        }
    }

    public bool Revoke(string tenantId, Guid invitationId, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(invitationId, out var row) && row.TenantId == tenantId && TryRevoke(row, now);
        }
    }

    public int RevokeImport(string tenantId, Guid importId, DateTimeOffset now)
    {
        lock (_lock)
        {
            var revoked = 0;
            foreach (var row in _byId.Values)
            {
                if (row.TenantId == tenantId && row.ImportId == importId && TryRevoke(row, now))
                {
                    revoked++;
                }
            }

            return revoked;
        }
    }

    public int Expire(string tenantId, DateTimeOffset now)
    {
        lock (_lock)
        {
            var expired = 0;
            foreach (var row in _byId.Values)
            {
                if (row.TenantId == tenantId && row.State == InvitationState.Pending && row.ExpiresAt <= now)
                {
                    row.State = InvitationState.Expired;
                    expired++;
                }
            }

            return expired;
        }
    }

    /// <summary>Deletes the tenant's invitations that match (retention).</summary>
    public void Delete(string tenantId, Func<InvitationRecordKey, bool> match)
    {
        lock (_lock)
        {
            foreach (var row in _byId.Values.ToList())
            {
                if (row.TenantId == tenantId && match(new InvitationRecordKey(row.ImportId, row.Address)))
                {
                    Remove(row);
                }
            }
        }
    }

    /// <summary>Deletes the pending invitation of each of these entries of an import, where there is one (an entry whose email was not sent).</summary>
    public void WithdrawPending(string tenantId, Guid importId, IEnumerable<long> sequences)
    {
        lock (_lock)
        {
            foreach (var sequence in sequences)
            {
                if (_byEntry.TryGetValue((tenantId, importId, sequence), out var row) && row.State == InvitationState.Pending)
                {
                    Remove(row);
                }
            }
        }
    }

    private void Remove(Row row)
    {
        _byId.Remove(row.InvitationId);
        _byEntry.Remove((row.TenantId, row.ImportId, row.Sequence));
        _byHash.Remove(row.TokenHash);
        var key = (row.TenantId, row.AddressKey);
        var head = _byAddress[key];
        if (head == row)
        {
            if (row.NextOfAddress is null)
            {
                _byAddress.Remove(key);
            }
            else
            {
                _byAddress[key] = row.NextOfAddress;
            }
        }
        else
        {
            var before = head;
            while (before.NextOfAddress != row)
            {
                before = before.NextOfAddress!;
            }

            before.NextOfAddress = row.NextOfAddress;
        }

        row.NextOfAddress = null;
    }

    private static bool TryRevoke(Row row, DateTimeOffset now)
    {
        if (row.StateAt(now) != InvitationState.Pending)
        {
            return false;
        }

        row.State = InvitationState.Revoked;
        row.RevokedAt = now;
        return true;
    }

    private Row? ByHash(ReadOnlySpan<byte> tokenHash)
        => _byHash.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(tokenHash, out var row) && CryptographicOperations.FixedTimeEquals(row.TokenHash, tokenHash) ? row : null;

    /// <summary>What retention matches an invitation on.</summary>
    internal readonly record struct InvitationRecordKey(Guid ImportId, string Address);

    private sealed class Row
    {
        public required Guid InvitationId { get; init; }

        public required string TenantId { get; init; }

        public required string Address { get; init; }

        public required string AddressKey { get; init; }

        public required Guid ImportId { get; init; }

        public required long Sequence { get; init; }

        public long Line { get; init; }

        public string? DisplayName { get; init; }

        public Dictionary<string, string>? Fields { get; init; }

        public required string InitiatedBy { get; init; }

        public required InvitationState State { get; set; }

        public required DateTimeOffset CreatedAt { get; init; }

        public required DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset? AcceptedAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public required int SendCount { get; set; }

        public required DateTimeOffset LastSentAt { get; set; }

        public string? LastMessageKey { get; set; }

        public required byte[] TokenHash { get; set; }

        public required string TokenKeyId { get; set; }

        /// <summary>The invitation of the same address recorded before this one.</summary>
        public Row? NextOfAddress { get; set; }

        public InvitationState StateAt(DateTimeOffset asOf)
            => State == InvitationState.Pending && ExpiresAt <= asOf ? InvitationState.Expired : State;

        public EntryInvitation ToEntryInvitation(DateTimeOffset asOf) => new()
        {
            InvitationId = InvitationId,
            State = StateAt(asOf),
            ExpiresAt = ExpiresAt.ToUniversalTime(),
            AcceptedAt = AcceptedAt?.ToUniversalTime(),
            RevokedAt = RevokedAt?.ToUniversalTime(),
            SendCount = SendCount,
        };

        public InvitationRecord ToRecord(DateTimeOffset asOf) => new()
        {
            InvitationId = InvitationId,
            TenantId = TenantId,
            Address = Address,
            AddressKey = AddressKey,
            ImportId = ImportId,
            Sequence = Sequence,
            Line = Line,
            DisplayName = DisplayName,
            Fields = Fields is null ? null : new Dictionary<string, string>(Fields, StringComparer.Ordinal),
            InitiatedBy = InitiatedBy,
            State = StateAt(asOf),
            CreatedAt = CreatedAt.ToUniversalTime(),
            ExpiresAt = ExpiresAt.ToUniversalTime(),
            AcceptedAt = AcceptedAt?.ToUniversalTime(),
            RevokedAt = RevokedAt?.ToUniversalTime(),
            SendCount = SendCount,
            LastSentAt = LastSentAt.ToUniversalTime(),
            LastMessageKey = LastMessageKey,
            TokenKeyId = TokenKeyId,
        };
    }

    /// <summary>Token hashes compared by their bytes, and looked up by a span of them without an array.</summary>
    private sealed class TokenHashComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly TokenHashComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
