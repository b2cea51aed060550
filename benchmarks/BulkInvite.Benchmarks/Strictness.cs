using System.Net.Mail;

namespace BulkInvite.Benchmarks;

/// <summary>
/// What the validators of <see cref="ValidatorBenchmarks"/> accept of the same entries: the corpus of that benchmark
/// and the entries of a generated file. An entry BulkInvite rejects but a peer accepts is an address a mail server
/// would refuse (or a form such as a display name that the parser, not the validator, handles).
/// </summary>
public static class Strictness
{
    public static void Print(int count)
    {
        var corpus = AddressCorpus.Create(count);
        var path = InputFileGenerator.Cached(count);
        var entries = File.ReadLines(path).SelectMany(l => l.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
        foreach (var (name, items) in new[] { ("benchmark corpus", corpus), ("generated file", entries) })
        {
            var ours = items.Count(a => EmailValidator.Default.IsValid(a));
            var mailAddress = items.Count(a => MailAddress.TryCreate(a, out _));
            var mimeKit = items.Count(a => MimeKit.MailboxAddress.TryParse(a, out _));
            var mailAddressOnly = items.Where(a => MailAddress.TryCreate(a, out _) && !EmailValidator.Default.IsValid(a)).ToArray();
            var mimeKitOnly = items.Where(a => MimeKit.MailboxAddress.TryParse(a, out _) && !EmailValidator.Default.IsValid(a)).ToArray();
            var oursOnly = items.Where(a => EmailValidator.Default.IsValid(a) && !(MailAddress.TryCreate(a, out _) && MimeKit.MailboxAddress.TryParse(a, out _))).ToArray();
            Console.WriteLine($"{name}: {items.Length:N0} entries; accepted by BulkInvite {ours:N0}, MailAddress.TryCreate {mailAddress:N0}, MimeKit {mimeKit:N0}");
            Console.WriteLine($"  accepted by MailAddress, rejected by BulkInvite: {mailAddressOnly.Length:N0}, e.g. {string.Join(" | ", mailAddressOnly.Distinct().Take(8))}");
            Console.WriteLine($"  accepted by MimeKit, rejected by BulkInvite: {mimeKitOnly.Length:N0}, e.g. {string.Join(" | ", mimeKitOnly.Distinct().Take(8))}");
            Console.WriteLine($"  accepted by BulkInvite, rejected by a peer: {oursOnly.Length:N0}, e.g. {string.Join(" | ", oursOnly.Distinct().Take(8))}");
        }
    }
}
