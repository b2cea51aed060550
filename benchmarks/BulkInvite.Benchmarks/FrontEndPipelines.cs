using System.Net.Mail;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace BulkInvite.Benchmarks;

/// <summary>
/// The front end of a bulk invite (read, split, validate, de-duplicate) as BulkInvite does it and as its peers do,
/// each returning how many addresses it would invite. Used by <see cref="FrontEndBenchmarks"/> and by the
/// whole-process <c>measure</c> mode.
/// </summary>
public static partial class FrontEndPipelines
{
    /// <summary>The pipelines by name, in the order of the table in docs/benchmarks.md.</summary>
    public static readonly IReadOnlyDictionary<string, Func<string, long>> ByName = new Dictionary<string, Func<string, long>>(StringComparer.OrdinalIgnoreCase)
    {
        ["count-lines"] = CountLineEnds,
        ["tokenize"] = TokenizeUtf8,
        ["readlines-split"] = ReadLinesSplitTrim,
        ["mailaddress"] = ReadLinesMailAddress,
        ["mimekit"] = ReadLinesMimeKit,
        ["regex"] = ReadLinesRegex,
        ["mailaddress-hashset"] = ReadLinesMailAddressHashSet,
        ["bulkinvite"] = BulkInviteSummary,
        ["import"] = path => WholePipelineBenchmarks.Run(path, ImportMode.Send).Invited,
        ["preview"] = path => WholePipelineBenchmarks.Run(path, ImportMode.Preview).Pending,
    };

    /// <summary>Reads the file and counts line ends: the physical limit.</summary>
    public static long CountLineEnds(string path)
    {
        using var file = Open(path);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    /// <summary>A zero-allocation UTF-8 tokenizer: split at line ends, commas, semicolons and tabs, trim spaces; no validation.</summary>
    public static long TokenizeUtf8(string path)
    {
        using var file = Open(path);
        var buffer = new byte[1 << 20];
        long tokens = 0;
        var length = 0;
        int read;
        while ((read = file.Read(buffer.AsSpan(length))) > 0 || length > 0)
        {
            length += read;
            var data = buffer.AsSpan(0, length);
            var last = read == 0 ? length : data.LastIndexOfAny((byte)'\n', (byte)',') + 1;
            var chunk = data[..last];
            while (!chunk.IsEmpty)
            {
                var stop = chunk.IndexOfAny("\r\n,;\t"u8);
                var token = (stop < 0 ? chunk : chunk[..stop]).Trim((byte)' ');
                if (!token.IsEmpty)
                {
                    tokens++;
                }

                chunk = stop < 0 ? default : chunk[(stop + 1)..];
            }

            data[last..].CopyTo(buffer);
            length -= last;
            if (read == 0)
            {
                break;
            }
        }

        return tokens;
    }

    /// <summary><c>File.ReadLines</c>, <c>Split(',')</c> and <c>Trim</c>: the entries a typical host reads.</summary>
    public static long ReadLinesSplitTrim(string path) => Entries(path).LongCount();

    /// <summary>... and <c>MailAddress.TryCreate</c> on each.</summary>
    public static long ReadLinesMailAddress(string path) => Entries(path).LongCount(e => MailAddress.TryCreate(e, out _));

    /// <summary>... and MimeKit's <c>MailboxAddress.TryParse</c> on each.</summary>
    public static long ReadLinesMimeKit(string path) => Entries(path).LongCount(e => MimeKit.MailboxAddress.TryParse(e, out _));

    /// <summary>... and the HTML specification's <c>input type=email</c> pattern as a <c>[GeneratedRegex]</c>.</summary>
    public static long ReadLinesRegex(string path) => Entries(path).LongCount(e => HtmlEmail().IsMatch(e));

    /// <summary>... and <c>MailAddress.TryCreate</c>, then a <c>HashSet&lt;string&gt;(OrdinalIgnoreCase)</c> to drop duplicates: the peer pipeline.</summary>
    public static long ReadLinesMailAddressHashSet(string path)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long invited = 0;
        foreach (var entry in Entries(path))
        {
            if (MailAddress.TryCreate(entry, out var address) && seen.Add(address.Address))
            {
                invited++;
            }
        }

        return invited;
    }

    /// <summary>BulkInvite: <see cref="IBulkInviteService.ImportAsync"/> with <see cref="ImportMode.CountOnly"/> as a host calls it (no user directory, nothing stored).</summary>
    public static long BulkInviteSummary(string path)
    {
        using var provider = SummaryServices();
        using var scope = provider.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<IBulkInviteService>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var report = service.ImportAsync(new BulkInviteRequest { Content = file, FileName = Path.GetFileName(path), TenantId = "bench", InitiatedBy = "bench", Mode = ImportMode.CountOnly })
            .GetAwaiter().GetResult();
        return report.Counts.Pending;
    }

    /// <summary>The SDK registered for big files: no user directory, limits raised for 10 million lines.</summary>
    public static ServiceProvider SummaryServices()
    {
        var services = new ServiceCollection();
        services.AddBulkInvite(o =>
        {
            o.MaxEntries = int.MaxValue;
            o.MaxFileBytes = 4L << 30;
        }).WithoutUserExistenceCheck();
        return services.BuildServiceProvider();
    }

    private static IEnumerable<string> Entries(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            foreach (var part in line.Split(','))
            {
                var entry = part.Trim();
                if (entry.Length > 0)
                {
                    yield return entry;
                }
            }
        }
    }

    private static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    // The pattern of the HTML Living Standard for <input type="email">.
    [GeneratedRegex(@"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlEmail();
}
