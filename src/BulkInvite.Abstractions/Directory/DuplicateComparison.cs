namespace BulkInvite;

/// <summary>How two addresses are compared to find duplicates and existing users.</summary>
public enum DuplicateComparison
{
    /// <summary>The whole address, ignoring case (what users expect: <c>Jane@X.com</c> equals <c>jane@x.com</c>).</summary>
    IgnoreCase = 0,

    /// <summary>The domain ignoring case, the local part exactly (RFC 5321's letter: local parts may be case-sensitive).</summary>
    CaseSensitiveLocalPart = 1,
}
