namespace BulkInvite.Benchmarks;

/// <summary>A seeded mix of realistic addresses, about 5% of them invalid.</summary>
internal static class AddressCorpus
{
    private static readonly string[] Domains = ["example.com", "mail.example.org", "corp.example.net", "gmail.com", "sub.domain.example.co.uk", "xn--bcher-kva.example"];
    private static readonly string[] Invalid = ["plainaddress", "a@b", "john..doe@example.com", ".lead@example.com", "trail.@example.com", "a b@example.com", "user@-bad.com", "user@example.123", "@example.com", "user@", "\"quoted\"@example.com", "name <x@example.com>"];

    public static string[] Create(int count, int seed = 42)
    {
        var random = new Random(seed);
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (random.Next(100) < 5)
            {
                result[i] = Invalid[random.Next(Invalid.Length)];
                continue;
            }

            var local = random.Next(4) switch
            {
                0 => $"user{random.Next(1_000_000)}",
                1 => $"first.last{random.Next(10_000)}",
                2 => $"j.doe+tag{random.Next(100)}",
                _ => $"o'neil_{random.Next(1000)}",
            };
            result[i] = $"{local}@{Domains[random.Next(Domains.Length)]}";
        }

        return result;
    }
}
