using System.Runtime.InteropServices;

namespace BulkInvite.Dedupe;

/// <summary>
/// Zeroed native memory for the de-duplication table, outside the GC heap. On Linux a large table is mapped with
/// transparent huge pages requested (<c>madvise(MADV_HUGEPAGE)</c>): lookups land at random places in hundreds of
/// megabytes, and with 4 KiB pages nearly every one of them misses the TLB and first touches of the table fault a page
/// at a time; 2 MiB pages remove most of both.
/// </summary>
internal sealed unsafe partial class SlotMemory : IDisposable
{
    private const int ProtectRead = 0x1;
    private const int ProtectWrite = 0x2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int AdviseHugePage = 14;
    private const long HugePageThreshold = 4L << 20;
    private const int PageBytes = 4096;

    private readonly bool _mapped;
    private Thread? _touch;
    private volatile bool _stopTouch;
    private void* _pointer;

    public SlotMemory(long bytes)
    {
        Bytes = bytes;
        if (OperatingSystem.IsLinux() && bytes >= HugePageThreshold && TryMap(bytes, out var mapped))
        {
            _pointer = mapped;
            _mapped = true;
            StartTouching();
        }
        else
        {
            _pointer = NativeMemory.AllocZeroed((nuint)bytes);
        }

        GC.AddMemoryPressure(bytes);
    }

    ~SlotMemory() => Free();

    public long Bytes { get; }

    public void* Pointer => _pointer;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private static bool TryMap(long bytes, out void* pointer)
    {
        try
        {
            pointer = Mmap(null, (nuint)bytes, ProtectRead | ProtectWrite, MapPrivate | MapAnonymous, -1, 0);
            if (pointer == (void*)-1)
            {
                pointer = null;
                return false;
            }

            // Advice only: without huge pages the mapping works as it is.
            _ = Madvise(pointer, (nuint)bytes, AdviseHugePage);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            pointer = null;
            return false;
        }
    }

    /// <summary>Starts <see cref="TouchPages"/>; a process that cannot start a thread goes without it.</summary>
    private void StartTouching()
    {
        var thread = new Thread(TouchPages) { IsBackground = true, Name = "BulkInvite table pages" };
        try
        {
            thread.UnsafeStart();
            _touch = thread;
        }
        catch (Exception e) when (e is ThreadStartException or OutOfMemoryException)
        {
            // The table works as well without it; only its first touches fall on the thread that fills it.
        }
    }

    /// <summary>
    /// Touches each page of the mapping once, in order, while the table is being filled at random places: the kernel
    /// allocates and zeroes a page at its first touch (a virtual machine's host may back it then too), which would
    /// otherwise all fall on the thread that fills the table, in its first batch, while the reading thread waits for
    /// it. Nothing is changed: a page gets an atomic OR of zero, which leaves a slot written at the same moment as it is.
    /// </summary>
    private void TouchPages()
    {
        var start = (byte*)_pointer;
        for (long offset = 0; offset < Bytes && !_stopTouch; offset += PageBytes)
        {
            Interlocked.Or(ref *(long*)(start + offset), 0);
        }
    }

    private void Free()
    {
        _stopTouch = true;
        _touch?.Join();
        var pointer = _pointer;
        if (pointer == null)
        {
            return;
        }

        _pointer = null;
        if (_mapped)
        {
            _ = Munmap(pointer, (nuint)Bytes);
        }
        else
        {
            NativeMemory.Free(pointer);
        }

        GC.RemoveMemoryPressure(Bytes);
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);
}
