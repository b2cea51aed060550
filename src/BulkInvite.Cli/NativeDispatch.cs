using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace BulkInvite.Cli;

/// <summary>
/// The linux-x64 tool is compiled ahead of time twice: for any x64 processor .NET runs on (the command itself), and for
/// x86-64-v3 (AVX2, BMI1, BMI2, FMA, LZCNT, MOVBE), beside it with the suffix <see cref="Suffix"/>. Native code has its
/// instruction sets fixed when it is compiled, and code compiled for any x64 processor cannot use AVX2 at all, so the
/// validator, the scanner and the fingerprints lose their 256-bit paths in it. The command therefore hands its process
/// over to the x86-64-v3 executable (<c>execv</c>: same process, arguments, environment and standard streams) when the
/// processor has those instruction sets. Anything that stops the hand-over leaves the command running as it is.
/// </summary>
internal static partial class NativeDispatch
{
    /// <summary>The suffix of the x86-64-v3 executable's file name.</summary>
    public const string Suffix = "-x86-64-v3";

    /// <summary>Set to any value to keep the command on its own code.</summary>
    public const string OptOutVariable = "BULKINVITE_NO_X86_64_V3";

    /// <summary>Hands the process over to the x86-64-v3 executable when this is the native command, the processor has x86-64-v3, and the executable is there; otherwise returns.</summary>
    /// <param name="args">The command's arguments.</param>
    public static void HandOverIfFaster(string[] args)
    {
        // Just-in-time compiled code uses what the processor has already, and code compiled for x86-64-v3 is that code.
        if (RuntimeFeature.IsDynamicCodeSupported || Avx2.IsSupported || !OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Environment.ProcessPath;
        if (path is null)
        {
            return;
        }

        var target = path + Suffix;
        if (!ShouldHandOver(HasX86_64V3(), File.Exists(target), Environment.GetEnvironmentVariable(OptOutVariable)))
        {
            return;
        }

        var argv = new string?[args.Length + 2];
        argv[0] = target;
        args.CopyTo(argv, 1);

        // Returns only when it failed (the file is not executable, say): the command then goes on by itself.
        _ = Execv(target, argv);
    }

    /// <summary>Whether to hand over: the processor has x86-64-v3, the executable is there, and no one asked to stay.</summary>
    internal static bool ShouldHandOver(bool processorHasX86_64V3, bool executableExists, string? optOut)
        => processorHasX86_64V3 && executableExists && string.IsNullOrEmpty(optOut);

    /// <summary>
    /// Whether the processor, as CPUID reports it, has the instruction sets of x86-64-v3 and the system saves their
    /// registers (OSXSAVE; Linux then enables the AVX registers). The x86-64-v3 executable checks again when it starts.
    /// </summary>
    internal static bool HasX86_64V3()
    {
        if (!X86Base.IsSupported)
        {
            return false;
        }

        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if (maxLeaf < 7 || (uint)maxExtended < 0x80000001)
        {
            return false;
        }

        var (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        var (_, _, ecxExtended, _) = X86Base.CpuId(unchecked((int)0x80000001), 0);
        return HasX86_64V3(ecx1, ebx7, ecxExtended);
    }

    /// <summary>The x86-64-v3 test on the CPUID registers: leaf 1 ECX, leaf 7 EBX, leaf 0x80000001 ECX.</summary>
    internal static bool HasX86_64V3(int leaf1Ecx, int leaf7Ebx, int extendedEcx)
    {
        // Leaf 1: SSE3, SSSE3, FMA, CMPXCHG16B, SSE4.1, SSE4.2, MOVBE, POPCNT, OSXSAVE (the system saves the extended
        // registers: without it AVX is unusable), AVX, F16C. Leaf 7: BMI1, AVX2, BMI2. Extended: LAHF/SAHF, LZCNT.
        const int Leaf1 = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 27) | (1 << 28) | (1 << 29);
        const int Leaf7 = (1 << 3) | (1 << 5) | (1 << 8);
        const int Extended = (1 << 0) | (1 << 5);
        return (leaf1Ecx & Leaf1) == Leaf1 && (leaf7Ebx & Leaf7) == Leaf7 && (extendedEcx & Extended) == Extended;
    }

    [LibraryImport("libc", EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execv(string path, string?[] argv);
}
