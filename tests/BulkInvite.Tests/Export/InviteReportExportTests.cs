using System.Globalization;
using System.Text;
using System.Text.Json;
using BulkInvite.History;
using BulkInvite.Tests.Support;
using static BulkInvite.Tests.Export.ExportHarness;

namespace BulkInvite.Tests.Export;

[TestFixture]
public sealed class InviteReportExportTests
{
    private const string Tenant = PipelineHarness.Tenant;

    /// <summary>Values with a formula behind a separator of some locale, a line break or a quote.</summary>
    private static readonly string[] SplitFormulas =
    [
        "x;=cmd|' /C calc'!A0", "x,=cmd|' /C calc'!A0", "x\t=cmd|' /C calc'!A0", "x;+1", "x;-2", "x;@SUM(A1)", "x; =1",
        "x;\t=1", "x;\r=1", "x\r\n=1", "x\n=1", "x\r=1", "x;\"=1", "x;\"\"=1", "x;\uFF1D1", "=1;=2,=3\t=4", "a;;=b", ";=b",
        "\uFF0B1", "\uFF20x", "ok@example.com",
    ];

    [Test]
    public async Task Csv_has_the_header_and_one_row_per_entry_in_file_order()
    {
        await using var harness = new PipelineHarness();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request("\"Doe, Jane\" <jane@example.com>\nnot-an-address\nJANE@example.com\n"));

        var text = await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o));

        var rows = CsvCells.Read(text);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.StartWith(InviteReportExport.CsvHeader + "\r\n"));
            Assert.That(string.Join(',', rows[0]), Is.EqualTo("line,address,display_name,outcome,reason,detail,duplicate_of_line,status_code,updated_at,fields,invitation_id,invitation_state,invitation_expires_at"));
            Assert.That(rows.Skip(1).Select(r => (r[0], r[1], r[2], r[3], r[4], r[6])), Is.EqualTo(new[]
            {
                ("1", "jane@example.com", "Doe, Jane", "Invited", string.Empty, string.Empty),
                ("2", "not-an-address", string.Empty, "Invalid", "MissingAt", string.Empty),
                ("3", "JANE@example.com", string.Empty, "Duplicate", "DuplicateOfLine", "1"),
            }));
            Assert.That(DateTimeOffset.Parse(rows[1][8], CultureInfo.InvariantCulture), Is.EqualTo(harness.Time.GetUtcNow()));
        }
    }

    [Test]
    public async Task Csv_and_json_lines_carry_each_invitations_state_and_never_a_token()
    {
        await using var harness = new PipelineHarness();
        var report = await harness.Service.ImportAsync(PipelineHarness.Request("a@example.com\nb@example.com\nnot-an-address\n"));
        var tokens = harness.Sender.Sent.Select(i => i.AcceptToken!).ToArray();
        await harness.Invitations.AcceptAsync(harness.Sender.Sent.Single(i => i.Address == "a@example.com").AcceptToken!);
        harness.Time.Advance(TimeSpan.FromHours(1));
        var invitations = (await harness.EntriesAsync(report)).Take(2).Select(e => e.Invitation!).ToArray();

        var csv = await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o));
        var json = await ExportAsync(o => InviteReportExport.WriteJsonLinesAsync(harness.History, Tenant, report.ImportId, o));
        var rows = CsvCells.Read(csv);
        var objects = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows.Skip(1).Select(r => (r[10], r[11])), Is.EqualTo(new[]
            {
                (invitations[0].InvitationId.ToString(), "Accepted"),
                (invitations[1].InvitationId.ToString(), "Pending"),
                (string.Empty, string.Empty),
            }));
            Assert.That(DateTimeOffset.Parse(rows[2][12], CultureInfo.InvariantCulture), Is.EqualTo(invitations[1].ExpiresAt));
            Assert.That(objects[0].GetProperty("invitation").GetProperty("state").GetString(), Is.EqualTo("Accepted"));
            Assert.That(objects[0].GetProperty("invitation").GetProperty("accepted_at").GetDateTimeOffset(), Is.EqualTo(invitations[0].AcceptedAt));
            Assert.That(objects[1].GetProperty("invitation").GetProperty("id").GetGuid(), Is.EqualTo(invitations[1].InvitationId));
            Assert.That(objects[1].GetProperty("invitation").GetProperty("send_count").GetInt32(), Is.EqualTo(1));
            Assert.That(objects[2].GetProperty("invitation").ValueKind, Is.EqualTo(JsonValueKind.Null));
            foreach (var token in tokens)
            {
                Assert.That(csv + json, Does.Not.Contain(token), "no export holds a token");
            }
        }
    }

    [Test]
    public async Task Csv_round_trips_commas_quotes_and_line_breaks()
    {
        await using var harness = new PipelineHarness();
        var fields = new Dictionary<string, string>
        {
            ["team, dept"] = "Sales, \"North\"",
            ["note"] = "line one\r\nline two\nline three",
            ["tricky"] = "a=b; c\\d",
            ["empty"] = string.Empty,
        };
        var entry = Entry(1, "jane@example.com", InviteOutcome.Failed).With(d => { d.DisplayName = "Doe, \"JD\" Jane"; d.Reason = "Rejected"; d.Detail = "550 5.1.1 mailbox unavailable,\r\n try later"; d.StatusCode = 550; d.Fields = fields; });
        var report = await StoreImportAsync(harness, [entry, Entry(2, "bob@example.com")]);

        var rows = CsvCells.Read(await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows, Has.Count.EqualTo(3));
            Assert.That(rows.Select(r => r.Length), Is.All.EqualTo(13));
            Assert.That(rows[1][..8], Is.EqualTo(new[] { "1", "jane@example.com", "Doe, \"JD\" Jane", "Failed", "Rejected", entry.Detail, string.Empty, "550" }));
            Assert.That(DateTimeOffset.Parse(rows[1][8], CultureInfo.InvariantCulture).EqualsExact(At), Is.True, "the instant and its offset");
            Assert.That(CsvCells.Fields(rows[1][9]), Is.EqualTo(fields.ToList()));
            Assert.That(rows[2][9], Is.Empty, "no fields");
        }
    }

    [TestCase("=cmd|' /C calc'!A0")]
    [TestCase("+1")]
    [TestCase("-2")]
    [TestCase("@x")]
    [TestCase("\tx")]
    [TestCase("\rx")]
    public async Task Cells_that_look_like_formulas_get_an_apostrophe(string value)
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness,
        [
            Entry(1, value, InviteOutcome.Invalid).With(d => { d.DisplayName = value; d.Reason = value; d.Detail = value; d.Fields = new Dictionary<string, string> { [value] = "v" }; }),
            Entry(2, "ok-" + value + "@example.com"),
        ]);

        var rows = CsvCells.Read(await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { rows[1][1], rows[1][2], rows[1][4], rows[1][5] }, Is.All.EqualTo("'" + value));
            Assert.That(rows[1][9][0], Is.Not.AnyOf('=', '+', '-', '@', '\t', '\r'), "the fields cell starts safely (an apostrophe, or a backslash before =)");
            Assert.That(rows[2][1], Is.EqualTo("ok-" + value + "@example.com"), "only a leading character counts");
        }
    }

    [TestCase(',')]
    [TestCase(';')]
    [TestCase('\t')]
    public async Task Read_with_any_locales_separator_the_csv_report_has_no_cell_that_starts_a_formula(char separator)
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, SplitFormulas.Select((value, i) => Entry(i + 1, value, InviteOutcome.Invalid).With(d => { d.DisplayName = value; d.Reason = value; d.Detail = value; d.Fields = new Dictionary<string, string> { ["team"] = value, [value] = value }; })));

        var text = await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o));

        var cells = CsvCells.Read(text, separator).SelectMany(r => r).ToList();
        Assert.That(cells, Has.Count.GreaterThan(SplitFormulas.Length), "at least a cell a row");
        Assert.That(cells.Where(CsvCells.StartsFormula), Is.Empty);
    }

    [TestCase(',')]
    [TestCase(';')]
    [TestCase('\t')]
    public async Task Read_with_any_locales_separator_the_failed_rows_csv_has_no_cell_that_starts_a_formula(char separator)
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(
            harness,
            SplitFormulas.Select((value, i) => Entry(i + 1, value, InviteOutcome.Invalid).With(d => { d.Fields = new Dictionary<string, string> { ["team"] = value, ["note"] = "a;" + value }; })),
            parser: "csv");

        var text = await ExportAsync(o => InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, report.ImportId, o));

        var cells = CsvCells.Read(text, separator).SelectMany(r => r).ToList();
        Assert.That(cells, Has.Count.GreaterThan(SplitFormulas.Length));
        Assert.That(cells.Where(CsvCells.StartsFormula), Is.Empty);
    }

    [TestCase("a;b")]
    [TestCase("a\tb")]
    [TestCase("Doe; Jane")]
    [TestCase("line one\r\nline two")]
    public async Task A_cell_with_a_separator_of_any_locale_is_quoted_and_reads_back_whole(string value)
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, [Entry(1, "jane@example.com").With(d => { d.DisplayName = value; })]);

        var text = await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o));

        Assert.That(text, Does.Contain(",\"" + value + "\","));
        Assert.That(CsvCells.Read(text)[1][2], Is.EqualTo(value));
    }

    [Test]
    public async Task Json_lines_parse_back_one_object_per_entry()
    {
        await using var harness = new PipelineHarness();
        var fields = new Dictionary<string, string> { ["名前"] = "山田\n太郎", ["quote"] = "\"q\"" };
        var report = await StoreImportAsync(harness,
        [
            Entry(1, "jane@example.com", InviteOutcome.Failed).With(d => { d.DisplayName = "Jane"; d.Reason = "Rejected"; d.Detail = "550\nno"; d.StatusCode = 550; d.Fields = fields; }),
            Entry(2, "jane@EXAMPLE.com", InviteOutcome.Duplicate).With(d => { d.Reason = "DuplicateOfLine"; d.DuplicateOfLine = 1; }),
        ]);

        var text = await ExportAsync(o => InviteReportExport.WriteJsonLinesAsync(harness.History, Tenant, report.ImportId, o));

        var lines = text.Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[^1], Is.Empty, "every line ends with LF");
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        var a = first.RootElement;
        var b = second.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.GetProperty("line").GetInt64(), Is.EqualTo(1));
            Assert.That(a.GetProperty("address").GetString(), Is.EqualTo("jane@example.com"));
            Assert.That(a.GetProperty("display_name").GetString(), Is.EqualTo("Jane"));
            Assert.That(a.GetProperty("outcome").GetString(), Is.EqualTo("Failed"));
            Assert.That(a.GetProperty("reason").GetString(), Is.EqualTo("Rejected"));
            Assert.That(a.GetProperty("detail").GetString(), Is.EqualTo("550\nno"));
            Assert.That(a.GetProperty("status_code").GetInt32(), Is.EqualTo(550));
            Assert.That(a.GetProperty("duplicate_of_line").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(a.GetProperty("updated_at").GetDateTimeOffset().EqualsExact(At), Is.True);
            Assert.That(a.GetProperty("fields").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)), Is.EqualTo(fields.ToList()));
            Assert.That(b.GetProperty("duplicate_of_line").GetInt64(), Is.EqualTo(1));
            Assert.That(b.GetProperty("display_name").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(b.GetProperty("fields").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
    }

    [Test]
    public async Task An_outcome_filter_exports_only_those_entries()
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, Enumerable.Range(1, 30).Select(i => Entry(i, $"u{i}@example.com", i % 3 == 0 ? InviteOutcome.Invalid : InviteOutcome.Invited)));

        var csv = CsvCells.Read(await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, o, InviteOutcome.Invalid)));
        var jsonl = await ExportAsync(o => InviteReportExport.WriteJsonLinesAsync(harness.History, Tenant, report.ImportId, o, InviteOutcome.Invalid));

        Assert.That(csv.Skip(1).Select(r => r[0]), Is.EqualTo(Enumerable.Range(1, 10).Select(i => (i * 3).ToString(CultureInfo.InvariantCulture))));
        Assert.That(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(10));
    }

    [Test]
    public async Task Failed_rows_of_a_csv_import_upload_again_with_the_same_columns()
    {
        await using var harness = new PipelineHarness();
        harness.Sender.Behavior = (invitation, _) => Task.FromResult(invitation.Address.StartsWith("reject", StringComparison.Ordinal)
            ? InvitationSendResult.Failure(550, "550 5.1.1 no such user")
            : InvitationSendResult.Success());
        const string Upload = "Name,Email,Team,Note\r\n"
            + "Ann,ann@example.com,Sales,ok\r\n"
            + "\"Doe, Jane\",jane@,\"North, \"\"A\"\"\",\"two\nlines\"\r\n"
            + "Rex,reject@example.com,=SUM(A1),x\r\n"
            + "Ann again,ANN@example.com,Sales,dup\r\n";
        var first = await harness.Service.ImportAsync(PipelineHarness.Request(Upload, "people.csv"));
        Assert.That((first.ParserName, first.Counts.Invalid, first.Counts.Failed, first.Counts.Duplicate), Is.EqualTo(("csv", 1L, 1L, 1L)));

        var failedRows = await ExportAsync(o => InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, first.ImportId, o));
        var again = await harness.Service.ImportAsync(PipelineHarness.Request(failedRows, "failed.csv").AsPreview());
        var entries = await harness.EntriesAsync(again);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failedRows, Does.StartWith("email,Name,Team,Note\r\n"));
            Assert.That(again.ParserName, Is.EqualTo("csv"));
            Assert.That(entries.Select(e => e.Address), Is.EqualTo(new[] { "jane@", "reject@example.com" }), "the invalid and the failed entry, in file order");
            Assert.That(entries[0].Fields, Is.EquivalentTo(new Dictionary<string, string> { ["Name"] = "Doe, Jane", ["Team"] = "North, \"A\"", ["Note"] = "two\nlines" }));
            Assert.That(entries[1].Fields!["Team"], Is.EqualTo("'=SUM(A1)"), "formulas stay neutralised");
            Assert.That(entries[0].Fields!.Keys, Is.EqualTo(new[] { "Name", "Team", "Note" }));
        }
    }

    [Test]
    public async Task Failed_rows_of_a_text_import_are_one_mailbox_a_line()
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness,
        [
            Entry(1, "ok@example.com"),
            Entry(2, "bad@", InviteOutcome.Invalid).With(d => { d.DisplayName = "Doe, \"JD\" Jane"; }),
            Entry(3, "late@example.com", InviteOutcome.Skipped),
            Entry(4, "reject@example.com", InviteOutcome.Failed),
            Entry(5, "dup@example.com", InviteOutcome.Duplicate),
            Entry(6, "=cmd@example.com", InviteOutcome.Failed),
        ]);

        var text = await ExportAsync(o => InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, report.ImportId, o));
        var again = await harness.Service.ImportAsync(PipelineHarness.Request(text, "failed.txt").AsPreview());
        var entries = await harness.EntriesAsync(again);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Is.EqualTo("\"Doe, \\\"JD\\\" Jane\" <bad@>\r\nlate@example.com\r\nreject@example.com\r\n=cmd@example.com\r\n"));
            Assert.That(entries.Select(e => (e.Address, e.DisplayName)), Is.EqualTo(new (string, string?)[]
            {
                ("bad@", "Doe, \"JD\" Jane"), ("late@example.com", null), ("reject@example.com", null), ("=cmd@example.com", null),
            }));
        }
    }

    [Test]
    public async Task Failed_rows_of_a_csv_import_without_failures_is_the_header_alone()
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, [Entry(1, "ok@example.com").With(d => { d.Fields = new Dictionary<string, string> { ["team"] = "a" }; })], parser: "csv");

        var text = await ExportAsync(o => InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, report.ImportId, o));

        Assert.That(text, Is.EqualTo("email\r\n"));
    }

    [Test]
    public async Task An_export_of_100_000_entries_reads_page_by_page_and_writes_every_line()
    {
        const int Count = 100_000;
        var store = new PageRecordingStore();
        await using var harness = new PipelineHarness(store: store);
        var report = await StoreImportAsync(harness, Enumerable.Range(1, Count).Select(i => Entry(i, $"user{i}@example.com", i % 10 == 0 ? InviteOutcome.Failed : InviteOutcome.Invited)));
        store.Queries.Clear();

        var csv = new LineCountingStream();
        await InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, csv);
        var csvPages = store.Queries.Count;
        var jsonl = new LineCountingStream();
        await InviteReportExport.WriteJsonLinesAsync(harness.History, Tenant, report.ImportId, jsonl);
        var failed = new LineCountingStream();
        await InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, report.ImportId, failed);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(csv.Lines, Is.EqualTo(Count + 1), "header and one row per entry");
            Assert.That(jsonl.Lines, Is.EqualTo(Count));
            Assert.That(failed.Lines, Is.EqualTo(Count / 10));
            // Pages of the stream's size, and at most one guessed past the end (empty).
            Assert.That(csvPages, Is.InRange(Count / EntryReader.DefaultPageSize, (Count / EntryReader.DefaultPageSize) + 1), "pages of the stream's size");
            Assert.That(store.Queries, Has.All.Matches<EntryQuery>(q => !q.IncludeTotalCount && q.Limit <= EntryReader.DefaultPageSize));
            Assert.That(csv.LargestWrite, Is.LessThan(1 << 20), "written as it is read, not in one piece");
            Assert.That(jsonl.LargestWrite, Is.LessThan(1 << 20));
        }
    }

    [Test]
    public async Task Another_tenants_import_is_not_found_and_nothing_is_written()
    {
        await using var harness = new PipelineHarness();
        var theirs = await StoreImportAsync(harness, [Entry(1, "secret@example.com")], tenant: "tenant-b");
        using var output = new MemoryStream();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => InviteReportExport.WriteCsvAsync(harness.History, Tenant, theirs.ImportId, output), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(harness.History, Tenant, theirs.ImportId, output), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => InviteReportExport.WriteFailedRowsAsync(harness.History, Tenant, theirs.ImportId, output), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(() => InviteReportExport.WriteCsvAsync(harness.History, Tenant, Guid.NewGuid(), output), Throws.InstanceOf<KeyNotFoundException>());
            Assert.That(output.Length, Is.Zero);
        }

        var own = await ExportAsync(o => InviteReportExport.WriteCsvAsync(harness.History, "tenant-b", theirs.ImportId, o));
        Assert.That(own, Does.Contain("secret@example.com"));
    }

    [Test]
    public async Task Every_method_validates_its_arguments()
    {
        await using var harness = new PipelineHarness();
        var s = harness.History;
        var id = Guid.NewGuid();
        using var output = new MemoryStream();
        using var readOnly = new MemoryStream([], writable: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => InviteReportExport.WriteCsvAsync(null!, Tenant, id, output), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteCsvAsync(s, null!, id, output), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteCsvAsync(s, " ", id, output), Throws.ArgumentException);
            Assert.That(() => InviteReportExport.WriteCsvAsync(s, Tenant, id, null!), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteCsvAsync(s, Tenant, id, readOnly), Throws.ArgumentException);
            Assert.That(() => InviteReportExport.WriteCsvAsync(s, Tenant, id, output, (InviteOutcome)42), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(null!, Tenant, id, output), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(s, string.Empty, id, output), Throws.ArgumentException);
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(s, Tenant, id, null!), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(s, Tenant, id, readOnly), Throws.ArgumentException);
            Assert.That(() => InviteReportExport.WriteJsonLinesAsync(s, Tenant, id, output, (InviteOutcome)(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => InviteReportExport.WriteFailedRowsAsync(null!, Tenant, id, output), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteFailedRowsAsync(s, null!, id, output), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteFailedRowsAsync(s, Tenant, id, null!), Throws.ArgumentNullException);
            Assert.That(() => InviteReportExport.WriteFailedRowsAsync(s, Tenant, id, readOnly), Throws.ArgumentException);
        }
    }

    [Test]
    public async Task A_cancelled_export_throws_OperationCanceledException()
    {
        await using var harness = new PipelineHarness();
        var report = await StoreImportAsync(harness, [Entry(1, "a@example.com")]);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.That(
            () => InviteReportExport.WriteCsvAsync(harness.History, Tenant, report.ImportId, new MemoryStream(), cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Counts the LF bytes written and the largest single write; keeps nothing.</summary>
    private sealed class LineCountingStream : Stream
    {
        public long Lines { get; private set; }

        public int LargestWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            Lines += buffer.Count((byte)'\n');
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
