using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BulkInvite.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Tests.Pipeline;

[TestFixture]
[NonParallelizable]
public sealed class TelemetryTests
{
    [Test]
    public async Task Logs_carry_counts_and_ids_but_never_an_address()
    {
        var provider = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var sender = new RecordingSender { Behavior = (i, _) => i.Address.StartsWith('x') ? throw new InvalidOperationException("boom") : Task.FromResult(InvitationSendResult.Success()) };
        services.AddBulkInvite().WithoutUserExistenceCheck().AddSender(sender);
        await using var sp = services.BuildServiceProvider();
        var service = sp.GetRequiredService<IBulkInviteService>();

        var report = await service.ImportAsync(PipelineHarness.Request("secret.person@example.com\nx.secret@example.com\nbroken@"));

        Assert.That(provider.Messages, Is.Not.Empty);
        Assert.That(provider.Messages.Any(m => m.Contains(report.ImportId.ToString(), StringComparison.Ordinal)), Is.True);
        Assert.That(provider.Messages.Where(m => m.Contains('@', StringComparison.Ordinal) && !m.Contains("admin@", StringComparison.Ordinal)), Is.Empty);
        Assert.That(provider.Messages.Any(m => m.Contains("secret", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task The_meter_counts_final_outcomes()
    {
        var counts = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BulkInviteTelemetry.Name && instrument.Name == BulkInviteTelemetry.EntriesCounter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    counts.AddOrUpdate((string)tag.Value!, value, (_, v) => v + value);
                }
            }
        });
        listener.Start();
        await using var harness = new PipelineHarness();

        await harness.Service.ImportAsync(PipelineHarness.Request("meter1@example.com\nmeter2@example.com\nMETER1@example.com\nbad"));

        Assert.That(counts.GetValueOrDefault("Invited"), Is.GreaterThanOrEqualTo(2));
        Assert.That(counts.GetValueOrDefault("Duplicate"), Is.GreaterThanOrEqualTo(1));
        Assert.That(counts.GetValueOrDefault("Invalid"), Is.GreaterThanOrEqualTo(1));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => messages.Enqueue(formatter(state, exception));
        }
    }
}
