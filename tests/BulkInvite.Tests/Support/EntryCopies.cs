namespace BulkInvite.Tests.Support;

/// <summary>Copies of entries with some values changed, as <c>with</c> made them while entries were records.</summary>
internal static class EntryCopies
{
    public static InviteEntryResult With(this InviteEntryResult entry, Action<Draft> change)
    {
        var draft = new Draft
        {
            Sequence = entry.Sequence,
            Line = entry.Line,
            Address = entry.Address,
            Outcome = entry.Outcome,
            Reason = entry.Reason,
            Detail = entry.Detail,
            DuplicateOfLine = entry.DuplicateOfLine,
            StatusCode = entry.StatusCode,
            DisplayName = entry.DisplayName,
            Fields = entry.Fields,
            UpdatedAt = entry.UpdatedAt,
        };
        change(draft);
        return new InviteEntryResult
        {
            Sequence = draft.Sequence,
            Line = draft.Line,
            Address = draft.Address,
            Outcome = draft.Outcome,
            Reason = draft.Reason,
            Detail = draft.Detail,
            DuplicateOfLine = draft.DuplicateOfLine,
            StatusCode = draft.StatusCode,
            DisplayName = draft.DisplayName,
            Fields = draft.Fields,
            UpdatedAt = draft.UpdatedAt,
        };
    }

    internal sealed class Draft
    {
        public long Sequence { get; set; }

        public long Line { get; set; }

        public string Address { get; set; } = string.Empty;

        public InviteOutcome Outcome { get; set; }

        public string? Reason { get; set; }

        public string? Detail { get; set; }

        public long? DuplicateOfLine { get; set; }

        public int? StatusCode { get; set; }

        public string? DisplayName { get; set; }

        public IReadOnlyDictionary<string, string>? Fields { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }
    }
}
