using System.Text;
using BulkInvite.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BulkInvite.Tests.Background;

/// <summary>Imports queued with <see cref="IBulkInviteQueue"/> and run by the hosted worker of a real generic host.</summary>
[TestFixture]
public sealed class BulkInviteQueueTests
{
    private RecordingSender _sender = null!;
    private FakeUserDirectory _directory = null!;
    private InMemoryHistoryHolder _history = null!;

    [SetUp]
    public void SetUp()
    {
        _sender = new RecordingSender();
        _directory = new FakeUserDirectory();
        _history = new InMemoryHistoryHolder();
    }

    [Test]
    public async Task A_queued_import_runs_in_the_background_and_ends_completed()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var id = await queue.EnqueueAsync(Request("a@example.com\nb@example.com\nbroken\n"));
        var state = await WaitAsync(queue, "tenant-1", id);

        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
        Assert.That(state.Error, Is.Null);
        var status = await host.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", id);
        Assert.That(status!.Counts.Invited, Is.EqualTo(2));
        Assert.That(status.Counts.Invalid, Is.EqualTo(1));
        Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "a@example.com", "b@example.com" }));
        var report = await host.Services.GetRequiredService<IBulkInviteHistory>().GetReportAsync("tenant-1", id);
        Assert.That(report!.Status, Is.EqualTo(ImportStatus.Completed));
        Assert.That(report.InitiatedBy, Is.EqualTo("admin"));
        Assert.That(report.RunBy, Is.EqualTo("instance-1"));
        Assert.That(state.Owner, Is.EqualTo("instance-1"));
        Assert.That(state.Attempts, Is.EqualTo(1));
        Assert.That(state.LeaseExpiresAt, Is.Null, "an ended import holds no lease");
    }

    [Test]
    public async Task A_queued_preview_sends_nothing()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var id = await queue.EnqueueAsync(Request("a@example.com\n").AsPreview());
        var state = await WaitAsync(queue, "tenant-1", id);

        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
        Assert.That(state.IsPreview, Is.True);
        Assert.That((await host.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", id))!.Counts.Pending, Is.EqualTo(1));
        Assert.That(_sender.Sent, Is.Empty);
    }

    [Test]
    public async Task The_given_import_id_is_used()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var given = Guid.NewGuid();

        var id = await queue.EnqueueAsync(Request("a@example.com\n").With(importId: given));

        Assert.That(id, Is.EqualTo(given));
        Assert.That((await WaitAsync(queue, "tenant-1", id)).Status, Is.EqualTo(QueuedImportStatus.Completed));
    }

    [Test]
    public async Task Another_tenant_cannot_read_the_state()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var id = await queue.EnqueueAsync(Request("a@example.com\n"));

        Assert.That(await queue.GetStateAsync("tenant-2", id), Is.Null);
        Assert.That(await queue.GetStateAsync("tenant-1", id), Is.Not.Null);
        Assert.That(await queue.GetStateAsync("tenant-1", Guid.NewGuid()), Is.Null);
    }

    [Test]
    public async Task A_parser_name_no_parser_has_is_refused_before_the_upload_is_queued_and_a_known_one_in_any_case_is_kept()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var request = Request("a@example.com\n");

        var error = Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(new BulkInviteRequest
        {
            Content = request.Content, FileName = request.FileName, TenantId = request.TenantId, InitiatedBy = request.InitiatedBy, ParserName = "xml",
        }));
        var idle = (await Work.CountUnfinishedAsync()).IsIdle;
        var kept = await queue.EnqueueAsync(new BulkInviteRequest
        {
            Content = Request("b@example.com\n").Content, FileName = "list.txt", TenantId = request.TenantId, InitiatedBy = request.InitiatedBy, ParserName = "CSV",
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error!.Message, Does.Contain("no file parser named 'xml'").And.Contain("text").And.Contain("csv"));
            Assert.That(idle, Is.True, "nothing of it is kept");
            Assert.That(await queue.GetStateAsync(request.TenantId, kept), Is.Not.Null);
        }
    }

    [Test]
    public async Task An_upload_over_the_size_limit_is_refused_before_it_is_queued()
    {
        using var host = await StartAsync(maxFileBytes: 100);
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var error = Assert.ThrowsAsync<InviteLimitExceededException>(() => queue.EnqueueAsync(Request(new string('a', 50) + "@example.com\n" + new string('b', 60) + "@example.com\n")));

        Assert.That(error!.LimitName, Is.EqualTo(nameof(BulkInviteOptions.MaxFileBytes)));
        Assert.That(error.Limit, Is.EqualTo(100));
        Assert.That((await Work.CountUnfinishedAsync()).IsIdle, Is.True, "nothing of it is kept");
        var next = await queue.EnqueueAsync(Request("a@example.com\n"));
        Assert.That((await WaitAsync(queue, "tenant-1", next)).Status, Is.EqualTo(QueuedImportStatus.Completed));
    }

    [Test]
    public async Task A_full_queue_refuses_one_more_import()
    {
        var gate = new TaskCompletionSource();
        _sender.Behavior = async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return InvitationSendResult.Success();
        };
        using var host = await StartAsync(maxQueued: 2);
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var running = await queue.EnqueueAsync(Request("a@example.com\n"));
        await WaitForAsync(async () => (await queue.GetStateAsync("tenant-1", running))!.Status == QueuedImportStatus.Running);
        var waiting1 = await queue.EnqueueAsync(Request("b@example.com\n"));
        var waiting2 = await queue.EnqueueAsync(Request("c@example.com\n"));
        var error = Assert.ThrowsAsync<InviteLimitExceededException>(() => queue.EnqueueAsync(Request("d@example.com\n")));

        Assert.That(error!.LimitName, Is.EqualTo(nameof(BackgroundImportOptions.MaxQueuedImports)));
        Assert.That((await queue.GetStateAsync("tenant-1", waiting1))!.Status, Is.EqualTo(QueuedImportStatus.Queued));
        gate.SetResult();
        Assert.That((await WaitAsync(queue, "tenant-1", waiting2)).Status, Is.EqualTo(QueuedImportStatus.Completed));
        Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "a@example.com", "b@example.com", "c@example.com" }));
    }

    [Test]
    public async Task A_binary_file_ends_failed_with_a_typed_code()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04 }.Concat(new byte[300]).ToArray();

        var id = await queue.EnqueueAsync(new BulkInviteRequest { Content = new MemoryStream(zip), FileName = "people.xlsx", TenantId = "tenant-1", InitiatedBy = "admin" });
        var state = await WaitAsync(queue, "tenant-1", id);

        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Failed));
        Assert.That(state.ErrorCode, Is.EqualTo(ImportErrorCode.InvalidFileFormat));
        Assert.That(state.Error, Is.Not.Empty);
        Assert.That(_sender.Sent, Is.Empty);
    }

    [Test]
    public async Task A_repeat_upload_ends_failed_and_says_so()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var first = await queue.EnqueueAsync(Request("a@example.com\n"));
        await WaitAsync(queue, "tenant-1", first);

        var again = await queue.EnqueueAsync(Request("a@example.com\n"));
        var state = await WaitAsync(queue, "tenant-1", again);

        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Failed));
        Assert.That(state.ErrorCode, Is.EqualTo(ImportErrorCode.RepeatUpload));
        Assert.That(_sender.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_import_whose_instance_stopped_is_taken_over_once_its_lease_expires_and_sent_once()
    {
        // An instance claimed the import and stopped (crashed) before renewing its lease.
        using (var queueing = await StartAsync(maxConcurrent: 0))
        {
            await queueing.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request("left@example.com\nother@example.com\n").With(importId: Id));
        }

        var dead = await Work.ClaimAsync("instance-dead", TimeSpan.FromMilliseconds(300), DateTimeOffset.UtcNow);
        Assert.That(dead, Is.Not.Null);

        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var state = await WaitAsync(queue, "tenant-1", Id);
        var report = await host.Services.GetRequiredService<IBulkInviteHistory>().GetReportAsync("tenant-1", Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(state.Attempts, Is.EqualTo(2), "claimed once by the stopped instance, once by the one that took it over");
            Assert.That(state.Owner, Is.EqualTo("instance-1"));
            Assert.That(report!.RunBy, Is.EqualTo("instance-1"));
            Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "left@example.com", "other@example.com" }));
            Assert.That(await Work.RenewAsync(dead!, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, progress: null), Is.False, "the stopped instance's lease is gone");
        }
    }

    [Test]
    public async Task A_big_import_is_split_into_parts_that_every_worker_sends_at_once_each_address_once()
    {
        _sender.Behavior = async (_, ct) =>
        {
            await Task.Delay(1, ct);
            return InvitationSendResult.Success();
        };
        _directory.Members.Add("member7@example.com");
        var lines = Enumerable.Range(0, 1_050).Select(i => $"member{i}@example.com").Concat(["broken", "member3@example.com"]);
        using var host = await StartAsync(maxConcurrent: 3, maxParallelSends: 2, configure: o => o.PartSize = 100);
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var history = host.Services.GetRequiredService<IBulkInviteHistory>();

        var id = await queue.EnqueueAsync(Request(string.Join('\n', lines)));
        var running = new List<ImportStatusSnapshot>();
        QueuedImportState state;
        while ((state = (await queue.GetStateAsync("tenant-1", id))!).Status is QueuedImportStatus.Queued or QueuedImportStatus.Running)
        {
            running.Add((await history.GetStatusAsync("tenant-1", id))!);
            await Task.Delay(5);
        }

        var report = await history.GetReportAsync("tenant-1", id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(state.Parts, Is.EqualTo(11), "1,049 to send in parts of 100");
            Assert.That(_sender.Sent.Select(i => i.Address), Is.Unique);
            Assert.That(_sender.Sent, Has.Count.EqualTo(1_049), "each address once; not the member, the duplicate or the broken line");
            Assert.That(_sender.MaxConcurrency, Is.GreaterThan(2), "parts were sent at once, each with its MaxParallelSends");
            Assert.That(report!.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That((report.Counts.Invited, report.Counts.ExistingUser, report.Counts.Duplicate, report.Counts.Invalid, report.Counts.Pending, report.Counts.Sending), Is.EqualTo((1_049L, 1L, 1L, 1L, 0L, 0L)));
            Assert.That(running.Any(s => s.Phase == ImportPhase.Running && s.Counts.Invited is > 0 and < 1_049), Is.True, "the status shows progress while the parts are sent");
            Assert.That(
                running.Where(s => s.Phase == ImportPhase.Running && s.Counts.Invited > 0).Select(s => s.Counts.Total),
                Is.Not.Empty.And.All.EqualTo(1_052L),
                "the parts' counts always add up to the import's entries (the pending ones are what the others leave)");
        }
    }

    [Test]
    public async Task An_import_run_by_its_caller_holds_a_lease_while_it_runs_and_ends_it_with_the_run()
    {
        var gate = new TaskCompletionSource();
        _sender.Behavior = async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return InvitationSendResult.Success();
        };
        using var host = await StartAsync();
        var service = host.Services.GetRequiredService<IBulkInviteService>();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var running = service.ImportAsync(Request("a@example.com\nb@example.com\n").With(importId: Id));
        await WaitForAsync(async () => await queue.GetStateAsync("tenant-1", Id) is { Status: QueuedImportStatus.Running } && _sender.MaxConcurrency > 0);
        var state = await queue.GetStateAsync("tenant-1", Id);
        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => service.ResumeAsync("tenant-1", Id));
        gate.SetResult();
        var report = await running;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((state!.Owner, state.Attempts), Is.EqualTo(("instance-1", 1)), "the caller's process holds the lease");
            Assert.That(refused!.Message, Does.Contain("still running"));
            Assert.That(report.Counts.Invited, Is.EqualTo(2));
            Assert.That((await queue.GetStateAsync("tenant-1", Id))!.Status, Is.EqualTo(QueuedImportStatus.Completed), "its end ends the lease");
            Assert.That(_sender.Sent, Has.Count.EqualTo(2), "no worker sent it too");
        }
    }

    [Test]
    public async Task An_import_whose_callers_process_stopped_is_resumed_as_soon_as_its_lease_expires()
    {
        // A process ran the import itself, staged it and stopped before sending: its lease was short-lived.
        var item = new ImportWorkItem { ImportId = Id, TenantId = "tenant-1", InitiatedBy = "admin", FileName = "invitees.txt", Mode = ImportMode.Send, QueuedAt = DateTimeOffset.UtcNow };
        var dead = await Work.ClaimImportAsync(item, "instance-dead", TimeSpan.FromMilliseconds(300), DateTimeOffset.UtcNow);
        var fenced = Work.WithLease(dead!);
        await fenced.CreateImportAsync(new BulkInviteReport
        {
            ImportId = Id, TenantId = "tenant-1", FileName = "invitees.txt", InitiatedBy = "admin", Status = ImportStatus.Running, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await fenced.AddEntriesAsync("tenant-1", Id, [
            new InviteEntryResult { Sequence = 1, Line = 1, Address = "a@example.com", Outcome = InviteOutcome.Pending },
            new InviteEntryResult { Sequence = 2, Line = 2, Address = "b@example.com", Outcome = InviteOutcome.Sending },
        ]);

        using var host = await StartAsync(maxConcurrent: 0);
        var service = host.Services.GetRequiredService<IBulkInviteService>();
        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => service.ResumeAsync("tenant-1", Id));
        await Task.Delay(400);
        var report = await service.ResumeAsync("tenant-1", Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Message, Does.Contain("still running on instance-dead"), "a live lease says its process may still run");
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed), "no wait for ResumeAfterInactivity (2 minutes): the expired lease says the process is gone");
            Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "a@example.com", "b@example.com" }));
            Assert.That((await Work.GetStateAsync("tenant-1", Id, DateTimeOffset.UtcNow))!.Attempts, Is.EqualTo(2));
            Assert.ThrowsAsync<ImportLeaseLostException>(() => fenced.UpdateImportAsync(report with { Status = ImportStatus.Failed }), "the stopped process's writes are refused");
        }
    }

    [Test]
    public async Task A_caller_whose_lease_is_taken_over_stops_with_the_import_left_running_and_nothing_skipped()
    {
        _sender.Behavior = async (_, ct) =>
        {
            await Task.Delay(50, ct);
            return InvitationSendResult.Success();
        };
        using var host = await StartAsync(maxConcurrent: 0);
        var service = host.Services.GetRequiredService<IBulkInviteService>();
        var lines = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"user{i}@example.com"));

        var running = service.ImportAsync(Request(lines).With(importId: Id));
        await WaitForAsync(() => _sender.Sent.Count >= 5);
        var item = new ImportWorkItem { ImportId = Id, TenantId = "tenant-1", InitiatedBy = "admin", FileName = "invitees.txt", Mode = ImportMode.Send, QueuedAt = DateTimeOffset.UtcNow };
        var taken = await Work.ClaimImportAsync(item, "instance-2", TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, takeOver: true);
        var stopped = Assert.ThrowsAsync<ImportLeaseLostException>(async () => await running);
        var report = await _history.Store.GetImportAsync("tenant-1", Id);
        var skipped = await _history.Store.ListEntriesAsync("tenant-1", Id, new EntryQuery { Outcome = InviteOutcome.Skipped, Limit = 1 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken, Is.Not.Null);
            Assert.That(stopped!.Message, Does.Contain("lost"), "stopped by its fenced writes, or by its heartbeat, whichever saw the takeover first");
            Assert.That(report!.Status, Is.EqualTo(ImportStatus.Running), "left to the claim that holds it, not cancelled");
            Assert.That(skipped.TotalCount, Is.Zero, "nothing was skipped");
            Assert.That(_sender.Sent.Count, Is.LessThan(200), "sending stopped");
        }
    }

    [Test]
    public async Task A_new_import_with_the_id_of_an_earlier_one_is_refused_and_the_earlier_keeps_its_state()
    {
        using var host = await StartAsync(maxConcurrent: 0);
        var service = host.Services.GetRequiredService<IBulkInviteService>();
        await service.ImportAsync(Request("a@example.com\n").With(importId: Id));

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => service.ImportAsync(Request("b@example.com\n").With(importId: Id)));

        Assert.That(refused!.Message, Does.Contain("exists already"));
        Assert.That((await Work.GetStateAsync("tenant-1", Id, DateTimeOffset.UtcNow))!.Status, Is.EqualTo(QueuedImportStatus.Completed));
        Assert.That(_sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "a@example.com" }));
    }

    [Test]
    public async Task A_resume_of_an_import_stopped_while_staging_gives_it_back_to_the_workers_instead_of_sending_a_part_of_the_file()
    {
        using (var queueing = await StartAsync(maxConcurrent: 0))
        {
            await queueing.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request("a@example.com\nb@example.com\n").With(importId: Id));
        }

        var dead = await Work.ClaimAsync("instance-dead", TimeSpan.FromMilliseconds(200), DateTimeOffset.UtcNow);
        await Work.WithLease(dead!).CreateImportAsync(new BulkInviteReport
        {
            ImportId = Id, TenantId = "tenant-1", FileName = "invitees.txt", InitiatedBy = "admin", Status = ImportStatus.Running, CreatedAt = DateTimeOffset.UtcNow,
        });
        await Work.WithLease(dead!).AddEntriesAsync("tenant-1", Id, [new InviteEntryResult { Sequence = 1, Line = 1, Address = "a@example.com", Outcome = InviteOutcome.Pending }]);
        await Task.Delay(300);

        using (var host = await StartAsync(maxConcurrent: 0))
        {
            var refused = Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<IBulkInviteService>().ResumeAsync("tenant-1", Id));
            Assert.That(refused!.Message, Does.Contain("given back to the background workers"));
            Assert.That((await Work.GetStateAsync("tenant-1", Id, DateTimeOffset.UtcNow))!.Status, Is.EqualTo(QueuedImportStatus.Queued));
            Assert.That(_sender.Sent, Is.Empty);
        }

        using var worker = await StartAsync();
        var state = await WaitAsync(worker.Services.GetRequiredService<IBulkInviteQueue>(), "tenant-1", Id);
        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
        Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "a@example.com", "b@example.com" }), "staged again from the upload, and sent whole");
    }

    [Test]
    public async Task An_import_whose_instance_stopped_while_staging_is_staged_again_from_its_upload_with_nothing_twice()
    {
        using (var queueing = await StartAsync(maxConcurrent: 0))
        {
            await queueing.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request("a@example.com\nb@example.com\nc@example.com\n").With(importId: Id));
        }

        // The stopped instance had recorded the import and its first entries, not the end of its file.
        var dead = await Work.ClaimAsync("instance-dead", TimeSpan.FromMilliseconds(300), DateTimeOffset.UtcNow);
        var fenced = Work.WithLease(dead!);
        await fenced.CreateImportAsync(new BulkInviteReport
        {
            ImportId = Id, TenantId = "tenant-1", FileName = "invitees.txt", InitiatedBy = "admin", Status = ImportStatus.Running, CreatedAt = DateTimeOffset.UtcNow,
        });
        await fenced.AddEntriesAsync("tenant-1", Id, [new InviteEntryResult { Sequence = 0, Line = 1, Address = "a@example.com", Outcome = InviteOutcome.Pending }]);

        using var host = await StartAsync();
        var state = await WaitAsync(host.Services.GetRequiredService<IBulkInviteQueue>(), "tenant-1", Id);
        var entries = await _history.Store.ListEntriesAsync("tenant-1", Id, new EntryQuery { Limit = 10 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(entries.Items.Select(e => (e.Line, e.Address, e.Outcome)), Is.EqualTo(new[]
            {
                (1L, "a@example.com", InviteOutcome.Invited), (2L, "b@example.com", InviteOutcome.Invited), (3L, "c@example.com", InviteOutcome.Invited),
            }));
            Assert.That(_sender.Sent.Select(i => i.Address).Order(), Is.EqualTo(new[] { "a@example.com", "b@example.com", "c@example.com" }));
        }
    }

    [Test]
    public async Task A_stopping_host_gives_its_import_back_with_every_send_recorded_and_the_next_start_continues_it_by_itself()
    {
        _sender.Behavior = async (_, ct) =>
        {
            await Task.Delay(20, ct);
            return InvitationSendResult.Success();
        };
        var lines = string.Join('\n', Enumerable.Range(1, 500).Select(i => $"user{i}@example.com"));
        Guid id;
        using (var host = await StartAsync())
        {
            var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
            id = await queue.EnqueueAsync(Request(lines));
            await WaitForAsync(() => _sender.Sent.Count >= 20);

            var stopping = System.Diagnostics.Stopwatch.StartNew();
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // the host's shutdown timeout
            await host.StopAsync(shutdown.Token);
            Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        }

        var report = await _history.Store.GetImportAsync("tenant-1", id);
        var stopped = await Work.GetStateAsync("tenant-1", id, DateTimeOffset.UtcNow);
        var sentAtStop = _sender.Sent.Count;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report!.Status, Is.EqualTo(ImportStatus.Running), "left running for the next claim, not cancelled");
            Assert.That(report.Counts.Invited, Is.EqualTo(sentAtStop), "every send that finished is recorded");
            Assert.That(report.Counts.Sending, Is.Zero);
            Assert.That(report.Counts.Skipped, Is.Zero);
            Assert.That(report.Counts.Invited + report.Counts.Pending, Is.EqualTo(500));
            Assert.That(stopped!.Status, Is.EqualTo(QueuedImportStatus.Queued), "given back at once");
            Assert.That(sentAtStop, Is.LessThan(500));
        }

        using var restarted = await StartAsync();
        var state = await WaitAsync(restarted.Services.GetRequiredService<IBulkInviteQueue>(), "tenant-1", id);
        var resumed = await _history.Store.GetImportAsync("tenant-1", id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Completed));
            Assert.That(state.Attempts, Is.EqualTo(2));
            Assert.That(resumed!.Counts.Invited, Is.EqualTo(500));
            Assert.That(_sender.Sent, Has.Count.EqualTo(500));
            Assert.That(_sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(500), "nobody is invited twice");
        }
    }

    [Test]
    public async Task A_worker_whose_import_was_taken_over_records_nothing_more_and_sends_only_what_was_in_flight()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sender.Behavior = async (_, ct) =>
        {
            sending.TrySetResult();
            await gate.Task.WaitAsync(ct);
            return InvitationSendResult.Success();
        };
        // A long lease: the worker learns of the takeover from its next write, not from a renewal.
        using var host = await StartAsync(configure: o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        var id = await host.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request(string.Join('\n', Enumerable.Range(1, 100).Select(i => $"user{i}@example.com")) + "\n"));
        await sending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var before = await _history.Store.GetImportAsync("tenant-1", id);

        // As if the worker had been paused past its lease: another instance claims the import.
        var other = await Work.ClaimAsync("instance-2", TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddMinutes(2));
        gate.SetResult();
        await WaitForAsync(() => _sender.Sent.Count == before!.Counts.Sending);
        await Task.Delay(500);
        var after = await _history.Store.GetImportAsync("tenant-1", id);
        var state = await Work.GetStateAsync("tenant-1", id, DateTimeOffset.UtcNow.AddMinutes(2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(other, Is.Not.Null);
            Assert.That(before!.Counts.Sending, Is.InRange(1, new BulkInviteOptions().MaxParallelSends));
            Assert.That(_sender.Sent, Has.Count.EqualTo(before.Counts.Sending), "only the sends in flight went out; nothing more was handed to the sender");
            Assert.That(after!.Status, Is.EqualTo(ImportStatus.Running));
            Assert.That(after.Counts.Invited, Is.Zero, "the outcomes of the late sends were refused");
            Assert.That(after.Counts.Sending, Is.EqualTo(before.Counts.Sending), "left for the new owner to resolve (InFlightAfterCrash)");
            Assert.That(state!.Owner, Is.EqualTo("instance-2"));
            Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Running), "the worker neither ended nor gave back an import it no longer holds");
        }
    }

    [Test]
    public async Task An_import_claimed_more_than_max_attempts_times_is_left_to_a_person()
    {
        using (var queueing = await StartAsync(maxConcurrent: 0))
        {
            await queueing.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request("a@example.com\n").With(importId: Id));
        }

        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var i = 0; i < 2; i++)
        {
            Assert.That(await Work.ClaimAsync("instance-crashing", TimeSpan.FromSeconds(1), at.AddMinutes(i)), Is.Not.Null);
        }

        using var host = await StartAsync(configure: o => o.MaxAttempts = 2);
        var state = await WaitAsync(host.Services.GetRequiredService<IBulkInviteQueue>(), "tenant-1", Id);
        var status = await host.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", Id);

        Assert.That(state.Status, Is.EqualTo(QueuedImportStatus.Failed));
        Assert.That(state.ErrorCode, Is.EqualTo(ImportErrorCode.AttemptsExhausted));
        Assert.That(status!.ErrorCode, Is.EqualTo(ImportErrorCode.AttemptsExhausted));
        Assert.That(status.IsFinished, Is.True);
        Assert.That(_sender.Sent, Is.Empty);
    }

    [Test]
    public async Task An_instance_without_a_worker_only_queues_and_another_instance_runs_the_import_both_showing_its_status()
    {
        using var web = await StartAsync(maxConcurrent: 0);
        var id = await web.Services.GetRequiredService<IBulkInviteQueue>().EnqueueAsync(Request("a@example.com\n"));
        await Task.Delay(200);
        var waiting = await web.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", id);

        using var worker = await StartAsync(configure: o => o.InstanceName = "worker-2");
        await WaitAsync(web.Services.GetRequiredService<IBulkInviteQueue>(), "tenant-1", id);
        var seenByWeb = await web.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", id);
        var seenByWorker = await worker.Services.GetRequiredService<IBulkInviteHistory>().GetStatusAsync("tenant-1", id);

        Assert.That(waiting!.Phase, Is.EqualTo(ImportPhase.Queued));
        Assert.That(seenByWeb!.Phase, Is.EqualTo(ImportPhase.Ended));
        Assert.That(seenByWeb.Status, Is.EqualTo(ImportStatus.Completed));
        Assert.That(seenByWorker!.Counts.Invited, Is.EqualTo(seenByWeb.Counts.Invited));
        Assert.That((await _history.Store.GetImportAsync("tenant-1", id))!.RunBy, Is.EqualTo("worker-2"));
        Assert.That(_sender.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public void Arguments_are_checked()
    {
        using var host = Build();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        Assert.ThrowsAsync<ArgumentNullException>(() => queue.EnqueueAsync(null!));
        Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(Request("a@example.com").With(tenantId: " ")));
        Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(Request("a@example.com").With(initiatedBy: "")));
        Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(Request("a@example.com").With(mode: (ImportMode)9)));
        Assert.ThrowsAsync<ArgumentNullException>(() => queue.GetStateAsync(null!, Guid.NewGuid()));
        Assert.Throws<ArgumentNullException>(() => BulkInviteBuilderExtensions.AddBackgroundImports(null!));
    }

    [Test]
    public async Task A_count_only_run_is_refused_by_the_queue_and_says_where_to_run_it()
    {
        using var host = Build();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();

        var error = Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(Request("a@example.com\n").AsCountOnly()));

        Assert.That(error!.Message, Does.Contain("IBulkInviteService.ImportAsync"));
        Assert.That(error.ParamName, Is.EqualTo("request"));
        Assert.That((await Work.CountUnfinishedAsync()).IsIdle, Is.True, "nothing is queued");
    }

    [Test]
    public async Task The_status_read_follows_an_import_from_queued_through_running_to_ended()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource();
        _sender.Behavior = async (_, ct) =>
        {
            sending.TrySetResult();
            await gate.Task.WaitAsync(ct);
            return InvitationSendResult.Success();
        };
        using var host = await StartAsync(maxConcurrent: 1);
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var history = host.Services.GetRequiredService<IBulkInviteHistory>();

        var first = await queue.EnqueueAsync(Request("a@example.com\nbroken\n"));
        await sending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await queue.EnqueueAsync(Request("b@example.com\n").AsPreview());
        // The worker records a new stage at once; every instance reads it from the store.
        ImportStatusSnapshot? running = null;
        await WaitForAsync(async () => (running = await history.GetStatusAsync("tenant-1", first))?.Stage == ImportStage.Sending);
        var queued = await history.GetStatusAsync("tenant-1", second);
        gate.SetResult();
        await WaitAsync(queue, "tenant-1", second);
        var ended = await history.GetStatusAsync("tenant-1", first);
        var previewed = await history.GetStatusAsync("tenant-1", second);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(running!.Phase, Is.EqualTo(ImportPhase.Running));
            Assert.That(running.Status, Is.Null);
            Assert.That(running.Stage, Is.EqualTo(ImportStage.Sending));
            Assert.That(running.EntriesRead, Is.EqualTo(2));
            Assert.That(running.Counts.Invalid, Is.EqualTo(1));
            Assert.That(running.HasReport, Is.True);
            Assert.That(running.IsFinished, Is.False);
            Assert.That(running.FileName, Is.EqualTo("invitees.txt"));
            Assert.That(running.TenantId, Is.EqualTo("tenant-1"));
            Assert.That(running.RunningOn, Is.EqualTo("instance-1"));
            Assert.That(running.Attempts, Is.EqualTo(1));

            Assert.That(queued!.Phase, Is.EqualTo(ImportPhase.Queued));
            Assert.That(queued.IsPreview, Is.True);
            Assert.That(queued.HasReport, Is.False);
            Assert.That(queued.Counts.Total, Is.Zero);

            Assert.That(ended!.Phase, Is.EqualTo(ImportPhase.Ended));
            Assert.That(ended.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(ended.Stage, Is.Null);
            Assert.That(ended.Counts.Invited, Is.EqualTo(1));
            Assert.That(ended.EntriesRead, Is.EqualTo(2));
            Assert.That(ended.ErrorCode, Is.Null);
            Assert.That(ended.HasReport, Is.True);
            Assert.That(ended.IsFinished, Is.True);
            Assert.That(ended.RunningOn, Is.Null);

            Assert.That(previewed!.Phase, Is.EqualTo(ImportPhase.Ended));
            Assert.That(previewed.Counts.Pending, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task The_status_read_of_an_import_that_failed_before_it_was_recorded_has_the_error_and_no_report()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var history = host.Services.GetRequiredService<IBulkInviteHistory>();

        // The sender is looked up when the import starts, before anything is recorded.
        var id = await queue.EnqueueAsync(Request("a@example.com\n").With(senderName: "nobody"));
        await WaitAsync(queue, "tenant-1", id);
        var status = await history.GetStatusAsync("tenant-1", id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await history.GetReportAsync("tenant-1", id), Is.Null);
            Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended));
            Assert.That(status.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(status.ErrorCode, Is.EqualTo(ImportErrorCode.ImportFailed));
            Assert.That(status.Error, Does.Contain("nobody"));
            Assert.That(status.HasReport, Is.False);
            Assert.That(status.IsFinished, Is.True);
        }
    }

    [Test]
    public async Task The_status_read_of_a_file_refused_while_staging_has_its_typed_code_and_its_report()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var history = host.Services.GetRequiredService<IBulkInviteHistory>();
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04 }.Concat(new byte[300]).ToArray();

        var id = await queue.EnqueueAsync(Request("x").With(content: new MemoryStream(zip)));
        await WaitAsync(queue, "tenant-1", id);
        var status = await history.GetStatusAsync("tenant-1", id);

        Assert.That(status!.Phase, Is.EqualTo(ImportPhase.Ended));
        Assert.That(status.Status, Is.EqualTo(ImportStatus.Failed));
        Assert.That(status.ErrorCode, Is.EqualTo(ImportErrorCode.InvalidFileFormat));
        Assert.That(status.HasReport, Is.True);
    }

    [Test]
    public async Task The_status_read_of_an_unknown_import_or_another_tenants_is_null()
    {
        using var host = await StartAsync();
        var queue = host.Services.GetRequiredService<IBulkInviteQueue>();
        var history = host.Services.GetRequiredService<IBulkInviteHistory>();
        var id = await queue.EnqueueAsync(Request("a@example.com\n"));
        await WaitAsync(queue, "tenant-1", id);

        Assert.That(await history.GetStatusAsync("tenant-2", id), Is.Null);
        Assert.That(await history.GetStatusAsync("tenant-1", Guid.NewGuid()), Is.Null);
        Assert.That(await history.GetStatusAsync("tenant-1", id), Is.Not.Null);
    }

    [TestCase(0, 1, 1, 30_000, "instance-1")]
    [TestCase(1, -1, 1, 30_000, "instance-1")]
    [TestCase(1, 65, 1, 30_000, "instance-1")]
    [TestCase(1, 1, 0, 30_000, "instance-1")]
    [TestCase(1, 1, 1, 500, "instance-1")]
    [TestCase(1, 1, 1, 30_000, " ")]
    public void Bad_queue_options_fail_at_start_up_naming_the_setting(int maxQueued, int maxConcurrent, int maxAttempts, int leaseMilliseconds, string instance)
    {
        using var host = Build(o =>
        {
            o.MaxQueuedImports = maxQueued;
            o.MaxConcurrentImports = maxConcurrent;
            o.MaxAttempts = maxAttempts;
            o.LeaseDuration = TimeSpan.FromMilliseconds(leaseMilliseconds);
            o.InstanceName = instance;
        });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("BulkInvite:Background:"));
    }

    [TestCase(1)]
    [TestCase(99)]
    [TestCase(10_000_001)]
    [TestCase(-1)]
    public void A_part_size_out_of_range_fails_at_start_up_naming_the_setting(int partSize)
    {
        using var host = Build(o => o.PartSize = partSize);

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("BulkInvite:Background:PartSize"));
    }

    [Test]
    public void Registering_twice_adds_one_worker()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddBackgroundImports().AddBackgroundImports();

        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IBulkInviteQueue)), Is.EqualTo(1));
    }

    private BulkInviteRequest Request(string content) => new()
    {
        Content = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        FileName = "invitees.txt",
        TenantId = "tenant-1",
        InitiatedBy = "admin",
    };

    private static readonly Guid Id = Guid.NewGuid();

    private IImportWorkStore Work => (IImportWorkStore)_history.Store;

    private async Task<IHost> StartAsync(
        long? maxFileBytes = null, int maxQueued = 100, int? maxConcurrent = null, Action<BackgroundImportOptions>? configure = null, int? maxParallelSends = null)
    {
        var host = Build(
            o =>
            {
                o.MaxQueuedImports = maxQueued;
                o.MaxConcurrentImports = maxConcurrent ?? o.MaxConcurrentImports;
                configure?.Invoke(o);
            },
            maxFileBytes,
            maxParallelSends);
        await host.StartAsync();
        return host;
    }

    private IHost Build(Action<BackgroundImportOptions>? configure = null, long? maxFileBytes = null, int? maxParallelSends = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IInviteHistoryStore>(_history.Store);
        builder.Services.AddBulkInvite(o =>
            {
                o.ProgressInterval = TimeSpan.Zero;
                o.MaxParallelSends = maxParallelSends ?? o.MaxParallelSends;
                if (maxFileBytes is { } limit)
                {
                    o.MaxFileBytes = limit;
                }
            })
            .AddUserExistenceCheck(_ => _directory)
            .AddSender(_sender)
            .AddBackgroundImports(o =>
            {
                o.InstanceName = "instance-1";
                o.LeaseDuration = TimeSpan.FromSeconds(1);
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                configure?.Invoke(o);
            });
        return builder.Build();
    }

    private static async Task<QueuedImportState> WaitAsync(IBulkInviteQueue queue, string tenant, Guid id)
    {
        QueuedImportState? state = null;
        await WaitForAsync(async () => (state = await queue.GetStateAsync(tenant, id)) is { Status: QueuedImportStatus.Completed or QueuedImportStatus.Failed });
        return state!;
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>One in-memory history for every host of a test, as a database would outlive a process.</summary>
    private sealed class InMemoryHistoryHolder
    {
        public IInviteHistoryStore Store { get; } = new InMemoryInviteHistoryStore();
    }
}
