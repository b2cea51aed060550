namespace BulkInvite;

/// <summary>
/// Names of the SDK's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>,
/// to subscribe with OpenTelemetry or <c>dotnet-counters</c>.
/// </summary>
public static class BulkInviteTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>BulkInvite</c>.</summary>
    public const string Name = "BulkInvite";

    /// <summary>Counter of entries by final outcome (tag <c>outcome</c>).</summary>
    public const string EntriesCounter = "bulkinvite.entries";

    /// <summary>Counter of finished imports by status (tags <c>status</c>, <c>preview</c>).</summary>
    public const string ImportsCounter = "bulkinvite.imports";

    /// <summary>Histogram of import durations, in seconds.</summary>
    public const string ImportDurationHistogram = "bulkinvite.import.duration";
}
