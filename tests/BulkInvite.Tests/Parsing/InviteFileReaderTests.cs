using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Tests.Parsing;

/// <summary>The reader a host uses for files other than uploads: the same parser choice, encodings and refusals.</summary>
[TestFixture]
public sealed class InviteFileReaderTests
{
    private static async Task<List<InviteEntry>> ReadAsync(byte[] content, string fileName, string? parserName = null, Action<IBulkInviteBuilder>? register = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulkInvite().WithoutUserExistenceCheck();
        register?.Invoke(builder);
        await using var provider = services.BuildServiceProvider();
        using var stream = new MemoryStream(content);
        var entries = new List<InviteEntry>();
        await foreach (var entry in provider.GetRequiredService<IInviteFileReader>().ReadAsync(stream, fileName, parserName))
        {
            entries.Add(entry);
        }

        return entries;
    }

    [Test]
    public async Task A_csv_file_gives_its_email_column_and_the_other_columns_as_fields()
    {
        var entries = await ReadAsync("email,name\nann@example.com,Ann\n"u8.ToArray(), "users.csv");

        Assert.That(entries.Select(e => (e.Line, e.Address, e.Fields?["name"])), Is.EqualTo(new[] { (2L, "ann@example.com", "Ann") }));
    }

    [Test]
    public async Task A_text_file_in_utf16_with_a_byte_order_mark_is_decoded()
    {
        byte[] content = [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("ann@example.com; bob@example.com\n")];

        var entries = await ReadAsync(content, "users.txt");

        Assert.That(entries.Select(e => e.Address), Is.EqualTo(new[] { "ann@example.com", "bob@example.com" }));
    }

    [Test]
    public async Task Bytes_that_are_not_utf8_make_that_entry_invalid_encoding()
    {
        var entries = await ReadAsync([.. "ann@example.com\nb"u8, 0xE9, .. "@example.com\n"u8], "users.txt");

        Assert.That(entries.Select(e => e.Problem), Is.EqualTo(new[] { InvalidReason.None, InvalidReason.InvalidEncoding }));
    }

    [TestCase(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 }, TestName = "A workbook is refused")]
    [TestCase(new byte[] { (byte)'a', 0, (byte)'@', 0, (byte)'b', 0, (byte)'.', 0, (byte)'c', 0, (byte)'o', 0, (byte)'m', 0, (byte)'\n', 0 }, TestName = "UTF-16 without a byte order mark is refused")]
    public void Binary_content_is_refused(byte[] content)
    {
        Assert.ThrowsAsync<InviteFileFormatException>(() => ReadAsync(content, "users.txt"));
    }

    [Test]
    public void An_unknown_parser_name_is_refused()
    {
        Assert.ThrowsAsync<ArgumentException>(() => ReadAsync("a@example.com"u8.ToArray(), "users.txt", "xml"));
    }

    [Test]
    public async Task A_host_parser_is_chosen_as_for_an_upload()
    {
        var entries = await ReadAsync("anything"u8.ToArray(), "users.txt", "fixed", b => b.AddParser<FixedParser>());

        Assert.That(entries.Select(e => e.Address), Is.EqualTo(new[] { "fixed@example.com" }));
    }

    [Test]
    public async Task Arguments_are_checked_at_the_call()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite().WithoutUserExistenceCheck();
        await using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<IInviteFileReader>();

        Assert.That(() => reader.ReadAsync(null!, "users.txt"), Throws.ArgumentNullException);
        Assert.That(() => reader.ReadAsync(Stream.Null, null!), Throws.ArgumentNullException);
    }

    private sealed class FixedParser : IInviteFileParser
    {
        public string Name => "fixed";

        public int Score(InviteFileProbe probe) => 0;

        public async IAsyncEnumerable<InviteEntry> ParseAsync(Stream content, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new InviteEntry { Line = 1, Address = "fixed@example.com" };
        }
    }
}
