using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;

namespace BulkInvite.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project benchmarks/BulkInvite.Benchmarks -- --filter '*'</c>.
/// Two more modes: <c>generate --lines N [--seed S] --output FILE</c> writes a seeded input file, and
/// <c>strictness [--count N]</c> prints what each validator accepts of a corpus, and
/// <c>measure PIPELINE FILE [--repeat N]</c> runs one front-end pipeline and prints its wall time and peak working set,
/// and <c>staging-profile [--entries N] [--batch B]</c> splits the time of staging into PostgreSQL (<see cref="StagingProfile"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "generate")
        {
            var lines = long.Parse(Value(args, "--lines") ?? "10000000", CultureInfo.InvariantCulture);
            var seed = int.Parse(Value(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
            var output = Value(args, "--output") ?? throw new ArgumentException("generate needs --output FILE");
            var watch = Stopwatch.StartNew();
            InputFileGenerator.Write(output, lines, seed);
            Console.WriteLine($"{output}: {lines:N0} lines, {new FileInfo(output).Length:N0} bytes in {watch.Elapsed.TotalSeconds:0.0} s");
            return 0;
        }

        if (args.Length > 0 && args[0] == "measure")
        {
            if (args.Length < 3 || !FrontEndPipelines.ByName.TryGetValue(args[1], out var pipeline))
            {
                Console.Error.WriteLine($"usage: measure PIPELINE FILE   (pipelines: {string.Join(", ", FrontEndPipelines.ByName.Keys)})");
                return 2;
            }

            var repeat = int.Parse(Value(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
            for (var run = 1; run <= repeat; run++)
            {
                var gen0 = GC.CollectionCount(0);
                var gen1 = GC.CollectionCount(1);
                var gen2 = GC.CollectionCount(2);
                var pause = GC.GetTotalPauseDuration();
                var allocated = GC.GetTotalAllocatedBytes(precise: false);
                var watch = Stopwatch.StartNew();
                var result = pipeline(args[2]);
                var elapsed = watch.Elapsed;
                Console.WriteLine(
                    $"{args[1]}: {elapsed.TotalSeconds:0.000} s, peak working set {PeakWorkingSetBytes() / (1024.0 * 1024):0} MiB, result {result:N0}; "
                    + $"allocated {(GC.GetTotalAllocatedBytes(precise: false) - allocated) / (1024.0 * 1024):0} MiB, "
                    + $"GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} (gen 0/1/2), "
                    + $"paused {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms");
            }

            return 0;
        }

        if (args.Length > 0 && args[0] == "staging-profile")
        {
            return StagingProfile.RunAsync(args, name => Value(args, name)).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "strictness")
        {
            Strictness.Print(int.Parse(Value(args, "--count") ?? "100000", CultureInfo.InvariantCulture));
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    /// <summary>The process's peak resident set (VmHWM on Linux).</summary>
    public static long PeakWorkingSetBytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim()[..^2].Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
