using BulkInvite.Tests.Support;

namespace BulkInvite.Tests.Pipeline;

[TestFixture]
public sealed class ImportTests
{
    [Test]
    public async Task Import_invites_each_valid_unique_new_address_exactly_once()
    {
        await using var harness = new PipelineHarness();
        harness.Directory.Members.Add("member@example.com");
        const string File = "alice@example.com\nnot-an-address\nbob@example.com, Alice@Example.com\nmember@example.com\n";

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(File));

        Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EquivalentTo(new[] { "alice@example.com", "bob@example.com" }));
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Completed));
            Assert.That(report.Counts.Invited, Is.EqualTo(2));
            Assert.That(report.Counts.Invalid, Is.EqualTo(1));
            Assert.That(report.Counts.Duplicate, Is.EqualTo(1));
            Assert.That(report.Counts.ExistingUser, Is.EqualTo(1));
            Assert.That(report.Counts.Pending, Is.Zero);
            Assert.That(report.Counts.Total, Is.EqualTo(5));
            Assert.That(report.TenantId, Is.EqualTo(PipelineHarness.Tenant));
            Assert.That(report.FileName, Is.EqualTo("invitees.txt"));
            Assert.That(report.InitiatedBy, Is.EqualTo("admin@tenant-a"));
            Assert.That(report.ParserName, Is.EqualTo("text"));
            Assert.That(report.CreatedAt, Is.EqualTo(harness.Time.GetUtcNow()));
            Assert.That(report.CompletedAt, Is.EqualTo(harness.Time.GetUtcNow()));
            Assert.That(report.IsPreview, Is.False);
        });
    }

    [Test]
    public async Task Every_entry_gets_exactly_one_outcome_with_its_line_and_reason()
    {
        await using var harness = new PipelineHarness();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\n\nbroken@\nA@EXAMPLE.COM\n"));

        var entries = await harness.EntriesAsync(report);

        Assert.That(entries.Select(e => (e.Sequence, e.Line, e.Outcome, e.Reason)), Is.EqualTo(new (long, long, InviteOutcome, string?)[]
        {
            (1, 1, InviteOutcome.Invited, null),
            (2, 3, InviteOutcome.Invalid, "EmptyDomain"),
            (3, 4, InviteOutcome.Duplicate, "DuplicateOfLine"),
        }));
        Assert.That(entries[2].DuplicateOfLine, Is.EqualTo(1));
    }

    [Test]
    public async Task Pending_invitations_are_not_invited_again_unless_a_resend_is_asked_for()
    {
        await using var harness = new PipelineHarness();
        harness.Directory.PendingInvitations.Add("waiting@example.com");

        var first = await harness.Service.ImportAsync(PipelineHarness.Request("waiting@example.com\nnew@example.com"));
        Assert.That(first.Counts.AlreadyInvited, Is.EqualTo(1));
        Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EqualTo(new[] { "new@example.com" }));

        var resend = await harness.Service.ImportAsync(PipelineHarness.Request("Waiting@example.com", resend: true));
        Assert.That(resend.Counts.Invited, Is.EqualTo(1));
        Assert.That(resend.Counts.AlreadyInvited, Is.Zero);
    }

    [Test]
    public async Task Existence_check_is_asked_in_batches_of_normalized_addresses_for_the_tenant()
    {
        await using var harness = new PipelineHarness(o => o.ExistenceCheckBatchSize = 3);
        var lines = Enumerable.Range(1, 10).Select(i => $"User{i}@Example.COM");

        await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines)).AsPreview());

        var queries = harness.Directory.Queries.ToArray();
        Assert.That(queries.Select(q => q.Addresses.Count), Is.EqualTo(new[] { 3, 3, 3, 1 }));
        Assert.That(queries.All(q => q.TenantId == PipelineHarness.Tenant), Is.True);
        Assert.That(queries.SelectMany(q => q.Addresses), Is.EqualTo(Enumerable.Range(1, 10).Select(i => $"user{i}@example.com")));
    }

    [Test]
    public async Task A_directory_answer_of_the_wrong_length_fails_the_import_and_sends_nothing()
    {
        await using var harness = new PipelineHarness();
        harness.Directory.Override = _ => [UserStatus.Unknown];

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com")));

        Assert.That(ex!.Message, Does.Contain("one status per address"));
        Assert.That(harness.Sender.Sent, Is.Empty);
        var history = await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery());
        Assert.That(history.Items.Single().Status, Is.EqualTo(ImportStatus.Failed));
    }

    [Test]
    public async Task Each_page_is_checked_with_the_directory_just_before_it_is_sent()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.ExistenceCheckBatchSize = 3;
            o.MaxParallelSends = 1;
        });
        harness.Directory.Members.Add("user26@example.com");
        harness.Directory.PendingInvitations.Add("user2@example.com");
        var checkedWhenFirstSent = -1;
        harness.Sender.Behavior = (_, _) =>
        {
            Interlocked.CompareExchange(ref checkedWhenFirstSent, harness.Directory.Queries.Count, -1);
            return Task.FromResult(InvitationSendResult.Success());
        };
        var lines = Enumerable.Range(1, 30).Select(i => $"User{i}@example.com");

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines)));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Directory.Queries.Select(q => q.Addresses.Count), Is.EqualTo(Enumerable.Repeat(3, 10)));
            Assert.That(harness.Directory.Queries.SelectMany(q => q.Addresses), Is.EqualTo(Enumerable.Range(1, 30).Select(i => $"user{i}@example.com")));

            // Sending begins after the first pages are checked, not after all ten: the sender holds at most a few pages.
            Assert.That(checkedWhenFirstSent, Is.InRange(1, 5));
            Assert.That(report.Counts, Is.EqualTo(new OutcomeCounts { Invited = 28, ExistingUser = 1, AlreadyInvited = 1 }));
            Assert.That(harness.Sender.Sent.Select(i => i.Address), Has.None.EqualTo("User26@example.com").And.None.EqualTo("User2@example.com"));
            Assert.That(harness.Sender.Sent.Select(i => i.Sequence), Is.Unique);
        });
    }

    [Test]
    public async Task A_directory_failure_half_way_stops_sending_and_a_resume_sends_the_rest_once()
    {
        await using var harness = new PipelineHarness(o =>
        {
            o.ExistenceCheckBatchSize = 4;
            o.MaxParallelSends = 2;
        });
        var queries = 0;
        harness.Directory.Override = query => Interlocked.Increment(ref queries) == 3
            ? throw new TimeoutException("The directory did not answer.")
            : query.Addresses.Select(a => a == "user1@example.com" ? UserStatus.Member : UserStatus.Unknown).ToArray();
        var lines = Enumerable.Range(1, 20).Select(i => $"user{i}@example.com");

        var ex = Assert.ThrowsAsync<TimeoutException>(() => harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines))));

        Assert.That(ex!.Message, Is.EqualTo("The directory did not answer."));
        var failed = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(failed.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(failed.Counts.ExistingUser, Is.EqualTo(1));
            Assert.That(failed.Counts.Invited, Is.InRange(0, 7), "at most the two pages checked were sent");
            Assert.That(failed.Counts.Invited + failed.Counts.Pending, Is.EqualTo(19));
        });

        var resumed = await harness.Service.ResumeAsync(PipelineHarness.Tenant, failed.ImportId);

        Assert.That(resumed.Counts, Is.EqualTo(new OutcomeCounts { Invited = 19, ExistingUser = 1 }));
        Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EquivalentTo(Enumerable.Range(2, 19).Select(i => $"user{i}@example.com")));
    }

    [Test]
    public async Task The_whole_file_is_staged_before_the_first_invitation_is_sent()
    {
        await using var harness = new PipelineHarness();
        long stagedAtFirstSend = -1;
        harness.Sender.Behavior = async (invitation, ct) =>
        {
            if (Interlocked.CompareExchange(ref stagedAtFirstSend, 0, -1) == -1)
            {
                var page = await harness.Store.ListEntriesAsync(invitation.TenantId, invitation.ImportId, new EntryQuery { Limit = 1 }, ct);
                Interlocked.Exchange(ref stagedAtFirstSend, page.TotalCount);
            }

            return InvitationSendResult.Success();
        };
        var lines = Enumerable.Range(1, 2500).Select(i => $"user{i}@example.com");

        await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines)));

        Assert.That(stagedAtFirstSend, Is.EqualTo(2500));
    }

    [Test]
    public async Task Rejected_recipients_are_failed_with_the_server_reply_and_the_others_are_sent()
    {
        await using var harness = new PipelineHarness();
        harness.Sender.Behavior = (invitation, _) => Task.FromResult(invitation.Address.StartsWith("bad", StringComparison.Ordinal)
            ? InvitationSendResult.Failure(550, "5.1.1 Mailbox unavailable")
            : InvitationSendResult.Success());

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("good1@example.com\nbad@example.com\ngood2@example.com"));

        Assert.That(report.Status, Is.EqualTo(ImportStatus.CompletedWithErrors));
        Assert.That(report.Counts.Invited, Is.EqualTo(2));
        var failed = (await harness.EntriesAsync(report, InviteOutcome.Failed)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(failed.Address, Is.EqualTo("bad@example.com"));
            Assert.That(failed.StatusCode, Is.EqualTo(550));
            Assert.That(failed.Detail, Is.EqualTo("5.1.1 Mailbox unavailable"));
            Assert.That(failed.Reason, Is.EqualTo("Rejected"));
        });
    }

    [Test]
    public async Task A_sender_exception_fails_that_entry_only()
    {
        await using var harness = new PipelineHarness();
        harness.Sender.Behavior = (invitation, _) => invitation.Address == "boom@example.com"
            ? throw new FormatException("template broke")
            : Task.FromResult(InvitationSendResult.Success());

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nboom@example.com\nb@example.com"));

        Assert.That(report.Counts.Invited, Is.EqualTo(2));
        var failed = (await harness.EntriesAsync(report, InviteOutcome.Failed)).Single();
        Assert.That(failed.Reason, Is.EqualTo("SenderError"));
        Assert.That(failed.Detail, Does.Contain("template broke"));
    }

    [Test]
    public async Task A_transport_failure_stops_the_import_and_leaves_unsent_entries_pending()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 1);
        var sends = 0;
        harness.Sender.Behavior = (_, _) => Interlocked.Increment(ref sends) > 3
            ? throw new InvitationTransportException("Connection refused", null, isTransient: true)
            : Task.FromResult(InvitationSendResult.Success());
        var lines = Enumerable.Range(1, 20).Select(i => $"user{i}@example.com");

        var ex = Assert.ThrowsAsync<InvitationTransportException>(() => harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines))));

        Assert.That(ex!.IsTransient, Is.True);
        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Failed));
            Assert.That(report.Error, Is.EqualTo("Connection refused"));
            Assert.That(report.Counts.Invited, Is.EqualTo(3));
            Assert.That(report.Counts.Pending, Is.EqualTo(17));
            Assert.That(report.Counts.Total, Is.EqualTo(20));
        });
    }

    [Test]
    public async Task Cancelling_half_way_lets_the_sends_in_flight_finish_and_skips_every_unsent_entry()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 2);
        using var cts = new CancellationTokenSource();
        var sends = 0;
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Sender.Behavior = async (_, ct) =>
        {
            var send = Interlocked.Increment(ref sends);
            if (send < 50)
            {
                return InvitationSendResult.Success(); // accepted by the server, whatever happens next
            }

            if (send == 50)
            {
                // Cancel (not CancelAsync) notifies the pipeline's linked token before it returns.
                cts.Cancel();
                cancelled.SetResult();
            }

            // The 50th send, and one begun beside it, are in flight when the import is cancelled: they finish.
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            await Task.Delay(20, CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            return InvitationSendResult.Success();
        };
        var lines = Enumerable.Range(1, 200).Select(i => $"user{i}@example.com");
        var request = PipelineHarness.Request(string.Join('\n', lines));

        Assert.That(() => harness.Service.ImportAsync(request, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        var report = (await harness.History.GetHistoryAsync(PipelineHarness.Tenant, new ImportQuery())).Items.Single();
        var entries = await harness.EntriesAsync(report);
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(ImportStatus.Cancelled));
            Assert.That(entries, Has.Count.EqualTo(200));
            Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Invited), Is.EqualTo(harness.Sender.Sent.Count));
            Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Skipped), Is.EqualTo(200 - harness.Sender.Sent.Count));
            Assert.That(entries.Where(e => e.Outcome == InviteOutcome.Skipped).All(e => e.Reason == "Cancelled"), Is.True);
            Assert.That(report.Counts.Invited + report.Counts.Skipped, Is.EqualTo(200));
            Assert.That(harness.Sender.Sent, Has.Count.InRange(50, 51), "the sends accepted before the cancellation and those in flight; the rest stop");
            Assert.That(entries.Count(e => e.Outcome == InviteOutcome.Sending), Is.Zero);
        });
    }

    [Test]
    public async Task Sends_run_in_parallel_but_never_beyond_MaxParallelSends()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 3);
        harness.Sender.Behavior = async (_, ct) =>
        {
            await Task.Delay(5, ct);
            return InvitationSendResult.Success();
        };
        var lines = Enumerable.Range(1, 60).Select(i => $"user{i}@example.com");

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', lines)));

        Assert.That(report.Counts.Invited, Is.EqualTo(60));
        Assert.That(harness.Sender.MaxConcurrency, Is.InRange(2, 3));
        Assert.That(harness.Sender.Sent.Select(i => i.Address).Distinct().Count(), Is.EqualTo(60));
    }

    [Test]
    public async Task A_few_entries_are_spread_over_every_sender()
    {
        // Entries are handed to senders in chunks; with as many entries as senders, each sender gets one.
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 8);
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Sender.Behavior = async (_, ct) =>
        {
            if (Interlocked.Increment(ref started) == 8)
            {
                allStarted.SetResult();
            }

            // Each send waits until all eight have started (or gives up after a while, and the test fails).
            await Task.WhenAny(allStarted.Task, Task.Delay(TimeSpan.FromSeconds(10), ct));
            return InvitationSendResult.Success();
        };

        var report = await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', Enumerable.Range(1, 8).Select(i => $"few{i}@example.com"))));

        Assert.That(report.Counts.Invited, Is.EqualTo(8));
        Assert.That(harness.Sender.MaxConcurrency, Is.EqualTo(8), "all eight were in flight at once");
    }

    [Test]
    public async Task Many_entries_in_chunks_are_each_sent_once()
    {
        await using var harness = new PipelineHarness(o => o.MaxParallelSends = 4);
        var report = await harness.Service.ImportAsync(PipelineHarness.Request(string.Join('\n', Enumerable.Range(1, 5_000).Select(i => $"many{i}@example.com"))));

        Assert.That(report.Counts.Invited, Is.EqualTo(5_000));
        Assert.That(harness.Sender.Sent.Select(i => i.Sequence).Order(), Is.EqualTo(Enumerable.Range(1, 5_000).Select(i => (long)i)));
        Assert.That(harness.Sender.MaxConcurrency, Is.LessThanOrEqualTo(4));
    }

    [Test]
    public async Task Invitations_carry_the_import_tenant_initiator_display_name_and_fields()
    {
        await using var harness = new PipelineHarness();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request("email,first_name\n\"Jane Doe <jane@example.com>\",Jane\n", "people.csv"));

        var invitation = harness.Sender.Sent.Single();
        Assert.Multiple(() =>
        {
            Assert.That(invitation.ImportId, Is.EqualTo(report.ImportId));
            Assert.That(invitation.TenantId, Is.EqualTo(PipelineHarness.Tenant));
            Assert.That(invitation.InitiatedBy, Is.EqualTo("admin@tenant-a"));
            Assert.That(invitation.Address, Is.EqualTo("jane@example.com"));
            Assert.That(invitation.DisplayName, Is.EqualTo("Jane Doe"));
            Assert.That(invitation.Fields!["first_name"], Is.EqualTo("Jane"));
            Assert.That(report.ParserName, Is.EqualTo("csv"));
        });
    }

    [Test]
    public async Task The_import_id_given_by_the_host_is_used()
    {
        await using var harness = new PipelineHarness();
        var id = Guid.NewGuid();

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com").With(importId: id));

        var stored = await harness.History.GetReportAsync(PipelineHarness.Tenant, id);
        Assert.That(report.ImportId, Is.EqualTo(id));
        Assert.That(stored! with { Invitations = null }, Is.EqualTo(report));
        Assert.That(stored.Invitations, Is.EqualTo(new InvitationCounts { Pending = 1 }), "the report read back counts the import's invitations");
    }

    [Test]
    public async Task Progress_is_reported_through_every_stage_and_ends_with_the_final_counts()
    {
        await using var harness = new PipelineHarness();
        var reports = new List<BulkInviteProgress>();
        var progress = new SynchronousProgress<BulkInviteProgress>(reports.Add);

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\nbad"), progress);

        // An import checks each page of addresses with the directory as it sends it: there is no stage of its own for that.
        Assert.That(reports.Select(p => p.Stage).Distinct(), Is.EqualTo(new[] { ImportStage.Staging, ImportStage.Sending, ImportStage.Finished }));
        Assert.That(reports[^1].Counts, Is.EqualTo(report.Counts));
        Assert.That(reports[^1].EntriesRead, Is.EqualTo(3));
    }

    [Test]
    public async Task Importing_without_a_sender_says_how_to_register_one()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck();
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var service = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IBulkInviteService>(provider);

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => service.ImportAsync(PipelineHarness.Request("a@example.com")));

        Assert.That(ex!.Message, Does.Contain("AddSender"));
        var preview = await service.ImportAsync(PipelineHarness.Request("a@example.com").AsPreview());
        Assert.That(preview.Counts.Pending, Is.EqualTo(1));
    }

    [Test]
    public async Task A_named_sender_is_used_when_the_request_names_it()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var standard = new RecordingSender();
        var marketing = new RecordingSender();
        services.AddBulkInvite().WithoutUserExistenceCheck().AddSender(standard);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddKeyedSingleton<IInvitationSender>(services, "marketing", marketing);
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(provider);
        var service = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IBulkInviteService>(scope.ServiceProvider);

        await service.ImportAsync(PipelineHarness.Request("a@example.com").With(senderName: "marketing"));
        await service.ImportAsync(PipelineHarness.Request("b@example.com"));

        Assert.That(marketing.Sent.Select(i => i.Address), Is.EqualTo(new[] { "a@example.com" }));
        Assert.That(standard.Sent.Select(i => i.Address), Is.EqualTo(new[] { "b@example.com" }));
        Assert.That(() => service.ImportAsync(PipelineHarness.Request("c@example.com").With(senderName: "nobody")), Throws.ArgumentException.With.Message.Contains("nobody"));
    }

    [Test]
    public async Task Public_entry_points_validate_their_arguments()
    {
        await using var harness = new PipelineHarness();
        var service = harness.Service;
        Assert.Multiple(() =>
        {
            Assert.That(() => service.ImportAsync(null!), Throws.ArgumentNullException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com", tenant: " ")), Throws.ArgumentException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com", tenant: " ").AsPreview()), Throws.ArgumentException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com").With(initiatedBy: "")), Throws.ArgumentException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com").With(initiatedBy: "").AsCountOnly()), Throws.ArgumentException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com").With(content: new UnreadableStream())), Throws.ArgumentException);
            Assert.That(() => service.ImportAsync(PipelineHarness.Request("a@example.com").With(mode: (ImportMode)7)), Throws.ArgumentException.With.Message.Contains("ImportMode"));
            Assert.That(() => service.ResumeAsync(null!, Guid.NewGuid()), Throws.ArgumentNullException);
            Assert.That(() => service.ResumeAsync(" ", Guid.NewGuid()), Throws.ArgumentException);
            Assert.That(() => service.ResumeAsync(PipelineHarness.Tenant, Guid.NewGuid()), Throws.InstanceOf<KeyNotFoundException>());
        });
        Assert.That(harness.Sender.Sent, Is.Empty, "nothing refused was sent");
    }

    [Test]
    public async Task The_mode_decides_whether_an_import_sends_stores_or_only_counts()
    {
        await using var harness = new PipelineHarness();
        const string File = "a@example.com\nb@example.com\na@example.com\n";

        var counted = await harness.Service.ImportAsync(PipelineHarness.Request(File).AsCountOnly());
        var previewed = await harness.Service.ImportAsync(PipelineHarness.Request(File).AsPreview());
        Assert.That(harness.Sender.Sent, Is.Empty, "neither a count nor a preview sends");
        var sent = await harness.Service.ImportAsync(PipelineHarness.Request(File));

        Assert.That(counted.Counts.Pending, Is.EqualTo(2));
        Assert.That(counted.Counts.Duplicate, Is.EqualTo(1));
        Assert.That(await harness.History.GetReportAsync(PipelineHarness.Tenant, counted.ImportId), Is.Null, "a count stores nothing");
        Assert.That(previewed.IsPreview, Is.True);
        Assert.That((await harness.History.GetReportAsync(PipelineHarness.Tenant, previewed.ImportId))!.Counts.Pending, Is.EqualTo(2), "a preview is in the history");
        Assert.That(sent.IsPreview, Is.False);
        Assert.That(sent.Counts.Invited, Is.EqualTo(2));
        Assert.That(harness.Sender.Sent.Select(i => i.Address), Is.EquivalentTo(new[] { "a@example.com", "b@example.com" }));
    }

    [Test]
    public async Task A_count_only_run_reports_its_end_as_progress()
    {
        await using var harness = new PipelineHarness();
        var seen = new List<BulkInviteProgress>();

        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\n").AsCountOnly(), new SynchronousProgress<BulkInviteProgress>(seen.Add));

        Assert.That(seen, Has.Count.EqualTo(1));
        Assert.That(seen[0].Stage, Is.EqualTo(ImportStage.Finished));
        Assert.That(seen[0].Counts, Is.EqualTo(report.Counts));
    }

    private sealed class UnreadableStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
