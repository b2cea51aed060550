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
    public void A_set_without_lines_uses_twelve_byte_slots_and_still_tells_every_address_apart()
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
        Assert.That(set.AllocatedBytes % 12, Is.Zero);
        Assert.That((double)set.AllocatedBytes / set.Count, Is.LessThanOrEqualTo(40));
    }

    [Test]
    public void A_table_sized_for_its_count_is_not_rounded_to_a_power_of_two()
    {
        using var set = new AddressSet(expectedCount: 3_000_000, keepLines: false);
        Assert.That(set.AllocatedBytes, Is.EqualTo(((long)Math.Ceiling(3_000_000 / 0.8) + 1) * 12));
    }

    [Test]
    public void Faulting_the_pages_in_ahead_changes_nothing_that_is_added_meanwhile()
    {
        using var set = new AddressSet(expectedCount: 4_000_000, keepLines: false);
        set.PrefaultInBackground();
        for (var i = 0; i < 100_000; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", 0, out _), Is.True);
        }

        for (var i = 0; i < 100_000; i++)
        {
            Assert.That(set.TryAdd($"user{i}@example.com", 0, out _), Is.False, $"user{i} was kept");
        }
    }

    [Test]
    public void A_set_can_be_disposed_while_its_pages_are_being_faulted_in()
    {
        var set = new AddressSet(expectedCount: 20_000_000, keepLines: false);
        set.PrefaultInBackground();
        Assert.That(set.TryAdd("a@example.com", 1, out _), Is.True);
        Assert.DoesNotThrow(set.Dispose);
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
