using BulkInvite.Dedupe;

namespace BulkInvite.Tests.Dedupe;

[TestFixture]
public sealed unsafe class SlotMemoryTests
{
    [Test]
    public void Memory_written_while_its_pages_are_touched_in_the_background_keeps_every_value_and_reads_zero_elsewhere()
    {
        // Large enough to be mapped (and its pages touched, in order, on a thread of their own on Linux). The first word
        // of each page of the last quarter is written at once, before that thread gets there, as a table filled from
        // its first batch is: touching a page must leave what is written in it.
        const long Bytes = 96L << 20;
        const int PageWords = 4096 / sizeof(long);
        using var memory = new SlotMemory(Bytes);
        var words = (long*)memory.Pointer;
        var count = Bytes / sizeof(long);
        var first = count / 4 * 3;
        for (var word = count - PageWords; word >= first; word -= PageWords)
        {
            words[word] = word + 1;
        }

        // The memory is touched through long before this (96 MiB of pages, in order, take milliseconds).
        Thread.Sleep(500);
        for (var word = first; word < count; word += PageWords)
        {
            Assert.That(words[word], Is.EqualTo(word + 1), $"word {word}");
        }

        for (long word = 0; word < first; word += 4099)
        {
            Assert.That(words[word], Is.Zero);
        }
    }
}
