using System.Text;

namespace BulkInvite.Benchmarks;

/// <summary>
/// Writes a realistic upload of any size from a seed, the same bytes for the same seed: varied addresses, about 5%
/// invalid, 3% duplicates of earlier lines differing only by case, 2% comma-separated lists, some CRLF line ends,
/// surrounding spaces, a few mail-client forms and non-ASCII entries, and a byte order mark.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/BulkInvite.Benchmarks -- generate --lines 10000000 --seed 1 --output invitees-10m.txt</c>
/// writes about 290 MB.
/// </remarks>
public static class InputFileGenerator
{
    private static readonly string[] First =
    [
        "anna", "ben", "carla", "dmitri", "emma", "farid", "grace", "hiro", "ines", "jamal", "kate", "liam", "maria", "noah",
        "olga", "pedro", "qin", "rosa", "sam", "tara", "umar", "vera", "wei", "xena", "yusuf", "zoe", "li", "jo", "alexandra",
        "christopher", "m", "o", "jean-luc", "mary-ann", "o'brien", "d'arcy",
    ];

    private static readonly string[] Last =
    [
        "smith", "jones", "garcia", "muller", "rossi", "dubois", "kowalski", "nguyen", "kim", "silva", "ivanov", "cohen",
        "okafor", "haddad", "tanaka", "larsen", "novak", "fischer", "lopez", "wong", "patel", "singh", "brown", "x",
    ];

    private static readonly string[] Domains =
    [
        "example.com", "example.org", "example.net", "mail.example.com", "corp.example.co.uk", "gmail.com", "outlook.com",
        "yahoo.com", "proton.me", "fastmail.fm", "uni-example.edu", "sales.example.de", "xn--bcher-kva.example",
        "t.co", "a-very-long-subdomain-name.department.example-enterprise.com",
    ];

    private static readonly string[] Invalid =
    [
        "plainaddress", "@example.com", "user@", "user@@example.com", "user..name@example.com", ".user@example.com",
        "user.@example.com", "user name@example.com", "user@-example.com", "user@example-.com", "user@example..com",
        "user@example.123", "user@localhost", "user@[192.0.2.1]", "\"quoted\"@example.com", "user@exa_mple.com",
        "user(comment)@example.com", "josé@example.com", "user@example.com.", "a@b", "user@.example.com",
    ];

    /// <summary>Writes <paramref name="lines"/> lines to <paramref name="path"/>.</summary>
    public static void Write(string path, long lines, int seed)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 20);
        var random = new Random(seed);
        long unique = 0;
        var builder = new StringBuilder(256);
        for (long line = 0; line < lines; line++)
        {
            builder.Clear();
            var entries = random.Next(100) < 2 ? random.Next(2, 5) : 1;
            for (var e = 0; e < entries; e++)
            {
                if (e > 0)
                {
                    builder.Append(random.Next(3) == 0 ? "," : ", ");
                }

                AppendEntry(builder, random, ref unique);
            }

            if (random.Next(100) < 3)
            {
                builder.Insert(0, "  ").Append(' ');
            }

            builder.Append(random.Next(100) < 10 ? "\r\n" : "\n");
            writer.Write(builder);
        }
    }

    /// <summary>The file of that size and seed in the temporary folder, written on first use.</summary>
    public static string Cached(long lines, int seed = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bulkinvite-input-{lines}-{seed}.txt");
        if (!File.Exists(path))
        {
            var temporary = path + ".tmp";
            Write(temporary, lines, seed);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }

    private static void AppendEntry(StringBuilder builder, Random random, ref long unique)
    {
        var roll = random.Next(1000);
        if (roll < 50)
        {
            builder.Append(Invalid[random.Next(Invalid.Length)]);
            return;
        }

        if (roll < 80 && unique > 0)
        {
            // A duplicate of an earlier address, in other letter case.
            var earlier = Address(random.NextInt64(unique));
            foreach (var c in earlier)
            {
                builder.Append(random.Next(2) == 0 ? char.ToUpperInvariant(c) : c);
            }

            return;
        }

        var address = Address(unique++);
        if (roll < 85)
        {
            builder.Append('"').Append(char.ToUpperInvariant(address[0])).Append(address.AsSpan(1, Math.Min(6, address.IndexOf('@') - 1))).Append("\" <").Append(address).Append('>');
            return;
        }

        builder.Append(address);
    }

    /// <summary>The <paramref name="id"/>-th unique address: names and a domain picked from the id, made unique by it.</summary>
    private static string Address(long id)
    {
        var mix = (ulong)id * 0x9E3779B97F4A7C15UL;
        var first = First[(int)(mix % (ulong)First.Length)];
        var last = Last[(int)((mix >> 16) % (ulong)Last.Length)];
        var domain = Domains[(int)((mix >> 32) % (ulong)Domains.Length)];
        var pattern = (int)((mix >> 48) % 4);
        var tag = Base36(id);
        return pattern switch
        {
            0 => $"{first}.{last}{tag}@{domain}",
            1 => $"{first[0]}{last}.{tag}@{domain}",
            2 => $"{first}_{tag}@{domain}",
            _ => $"{first}.{last}+{tag}@{domain}",
        };
    }

    private static string Base36(long value)
    {
        Span<char> digits = stackalloc char[16];
        var i = digits.Length;
        do
        {
            var digit = (int)(value % 36);
            digits[--i] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            value /= 36;
        }
        while (value > 0);
        return new string(digits[i..]);
    }
}
