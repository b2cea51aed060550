using BulkInvite.Dedupe;

namespace BulkInvite.Tests.Dedupe;

[TestFixture]
public sealed class AddressSetTests
{
    [Test]
    public void A_repeated_address_reports_the_line_of_its_first_occurrence()
    {
        var set = new AddressSet();

        Assert.That(set.TryAdd("a@example.com", 3, out _), Is.True);
        Assert.That(set.TryAdd("b@example.com", 4, out _), Is.True);
        Assert.That(set.TryAdd("a@example.com", 9, out var first), Is.False);
        Assert.That(first, Is.EqualTo(3));
        Assert.That(set.Count, Is.EqualTo(2));
    }

    [Test]
    public void The_set_grows_and_keeps_every_address_distinct()
    {
        var set = new AddressSet();
        const int N = 300_000;
        for (var i = 0; i < N; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", i + 1, out _), Is.True, $"user{i} is new");
        }

        for (var i = 0; i < N; i += 997)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", 0, out var first), Is.False);
            Assert.That(first, Is.EqualTo(i + 1));
        }

        Assert.That(set.Count, Is.EqualTo(N));
    }

    [Test]
    public void A_set_without_lines_tells_every_address_apart_in_its_main_table_and_its_overflow()
    {
        using var set = new AddressSet(expectedCount: 1000, keepLines: false);
        const int N = 200_000;
        for (var i = 0; i < N; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", i + 1, out _), Is.True, $"user{i} is new");
        }

        for (var i = 0; i < N; i += 331)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", 0, out var first), Is.False);
            Assert.That(first, Is.Zero, "no lines are kept");
        }

        Assert.That(set.KeepsLines, Is.False);
        Assert.That(set.Count, Is.EqualTo(N));
        Assert.That(set.OverflowCount, Is.EqualTo(N - 1000), "the main table, sized for 1,000, is full at 80 % of its 1,251 slots");
        Assert.That((double)set.AllocatedBytes / set.Count, Is.LessThanOrEqualTo(40));
    }

    [Test]
    public void Lines_are_kept_for_addresses_in_either_table()
    {
        using var set = new AddressSet(expectedCount: 2000);
        const int N = 50_000;
        for (var i = 0; i < N; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", i + 1, out _), Is.True, $"user{i} is new");
        }

        Assert.That(set.OverflowCount, Is.GreaterThan(0));
        for (var i = 0; i < N; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", N + i, out var first), Is.False, $"user{i} was kept");
            Assert.That(first, Is.EqualTo(i + 1), $"user{i}'s first line");
        }

        Assert.That(set.Count, Is.EqualTo(N));
    }

    [TestCase(false, 8)]
    [TestCase(true, 12)]
    public void A_table_sized_for_its_count_has_slots_of_a_tag_and_the_line_and_is_not_rounded_to_a_power_of_two(bool keepLines, int slotBytes)
    {
        const int N = 3_000_000;
        using var set = new AddressSet(expectedCount: N, keepLines);
        Assert.That(set.AllocatedBytes, Is.EqualTo(((long)Math.Ceiling(N / 0.8) + 1) * slotBytes));

        for (var i = 0; i < N; i++)
        {
            set.TryAdd((ulong)i * 0x9E3779B97F4A7C15UL, (uint)i * 2654435761U, i, out _);
        }

        Assert.That(set.Count, Is.EqualTo(N));
        Assert.That(set.OverflowCount, Is.Zero, "the expected count fits in the main table");
        Assert.That((double)set.AllocatedBytes / set.Count, Is.LessThanOrEqualTo((slotBytes / 0.8) + 0.01));
    }

    [Test]
    public void Fingerprints_placed_alike_are_told_apart_by_their_tags_and_the_tag_alone_decides()
    {
        using var set = new AddressSet(new AddressHasher(5), expectedCount: 100, keepLines: true);

        // The low part places a fingerprint; the high part is the tag that is kept and compared.
        Assert.That(set.TryAdd(0x1111_0000_0000_0000UL, 7, 1, out _), Is.True);
        Assert.That(set.TryAdd(0x2222_0000_0000_0000UL, 7, 2, out _), Is.True, "another tag at the same place");
        Assert.That(set.TryAdd(0x2222_0000_0000_0000UL, 7, 3, out var first), Is.False);
        Assert.That(first, Is.EqualTo(2));
        Assert.That(set.TryAdd(0x2222_0000_0000_0000UL, 8, 4, out first), Is.False, "the same tag from a place nearby: the low part is not compared");
        Assert.That(first, Is.EqualTo(2));
        Assert.That(set.TryAdd(0x1111_0000_0000_0000UL, 0xFFFF_FFFF, 5, out _), Is.True, "the same tag at a place far away is not looked at");
    }

    [Test]
    public void Distinct_addresses_are_never_taken_for_duplicates_with_the_full_tag()
    {
        using var set = new AddressSet(new AddressHasher(11), expectedCount: 1_000_000, keepLines: false);
        var falseDuplicates = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            falseDuplicates += set.TryAdd($"person{i}@example.com", 0, out _) ? 0 : 1;
        }

        Assert.That(falseDuplicates, Is.Zero);
    }

    [TestCase(8, 20_000)]
    [TestCase(12, 200_000)]
    public void A_narrow_tag_makes_false_duplicates_at_the_stated_rate(int tagBits, int count)
    {
        // Each comparison of two different addresses matches with probability 2^-tagBits (2^-63 with the full tag); a
        // new address is compared with about 2 others on average in a table filled to 80 %. So about count * 2 / 2^tagBits
        // distinct addresses are taken for duplicates: the error the documentation states, made visible.
        using var set = new AddressSet(new AddressHasher(7), expectedCount: count, keepLines: false, tagBits: tagBits);
        var falseDuplicates = 0;
        for (var i = 0; i < count; i++)
        {
            falseDuplicates += set.TryAdd($"person{i}@example.com", 0, out _) ? 0 : 1;
        }

        var expected = count * 2.0 / (1 << tagBits);
        TestContext.Out.WriteLine($"{falseDuplicates} false duplicates among {count:N0} distinct addresses with {tagBits}-bit tags (about {expected:0} expected)");
        Assert.That(falseDuplicates, Is.InRange(expected / 3, expected * 3), $"about {expected:0} expected");
    }

    [Test]
    public void Each_unique_address_costs_at_most_forty_bytes()
    {
        var set = new AddressSet();
        for (var i = 0; i < 1_000_000; i++)
        {
            set.TryAdd($"u{i}@example.com", i, out _);
        }

        Assert.That((double)set.AllocatedBytes / set.Count, Is.LessThanOrEqualTo(40));
    }

    [Test]
    public void Adding_allocates_nothing()
    {
        var set = new AddressSet(expectedCount: 10_000);
        var keys = Enumerable.Range(0, 5000).Select(i => $"user{i}@example.com").ToArray();
        set.TryAdd("warm@example.com", 1, out _);

        var allocated = Support.Allocations.Measure(() =>
        {
            foreach (var key in keys)
            {
                set.TryAdd(key, 1, out _);
                set.TryAdd(key, 2, out _);
            }
        });

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Keys_ignore_case_on_the_whole_address_by_default()
    {
        var buffer = new char[AddressKey.BufferLength];
        Assert.That(AddressKey.Get("John.Doe@Example.COM", DuplicateComparison.IgnoreCase, buffer).ToString(), Is.EqualTo("john.doe@example.com"));
        Assert.That(AddressKey.Get("John.Doe@Example.COM", DuplicateComparison.CaseSensitiveLocalPart, buffer).ToString(), Is.EqualTo("John.Doe@example.com"));
    }

    [Test]
    public void Keys_match_the_public_normalizer()
    {
        var buffer = new char[AddressKey.BufferLength];
        foreach (var address in new[] { "A@B.CO", "MiXeD.Case+Tag@Sub.Example.Org", "x@[192.0.2.1]" })
        {
            foreach (var comparison in Enum.GetValues<DuplicateComparison>())
            {
                Assert.That(AddressKey.Get(address, comparison, buffer).ToString(), Is.EqualTo(EmailAddressNormalizer.Normalize(address, comparison)), $"{address} {comparison}");
            }
        }
    }
}
