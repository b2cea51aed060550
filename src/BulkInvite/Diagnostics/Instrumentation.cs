using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace BulkInvite.Diagnostics;

/// <summary>The SDK's one meter and one activity source.</summary>
internal static class Instrumentation
{
    private static readonly string? Version = typeof(Instrumentation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly ActivitySource ActivitySource = new(BulkInviteTelemetry.Name, Version);

    public static readonly Meter Meter = new(BulkInviteTelemetry.Name, Version);

    public static readonly Counter<long> Entries = Meter.CreateCounter<long>(
        BulkInviteTelemetry.EntriesCounter, unit: "{entry}", description: "Entries of imports by final outcome.");

    public static readonly Counter<long> Imports = Meter.CreateCounter<long>(
        BulkInviteTelemetry.ImportsCounter, unit: "{import}", description: "Finished imports by status.");

    public static readonly Histogram<double> ImportDuration = Meter.CreateHistogram<double>(
        BulkInviteTelemetry.ImportDurationHistogram, unit: "s", description: "Duration of imports.");

    public static void CountEntries(InviteOutcome outcome, long count)
    {
        if (count > 0 && Entries.Enabled)
        {
            Entries.Add(count, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        }
    }
}
