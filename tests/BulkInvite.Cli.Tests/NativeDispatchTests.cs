using System.Runtime.Intrinsics.X86;

namespace BulkInvite.Cli.Tests;

[TestFixture]
public sealed class NativeDispatchTests
{
    // Leaf 1 ECX, leaf 7 EBX and leaf 0x80000001 ECX with every x86-64-v3 bit set (and nothing else).
    private const int Leaf1 = (1 << 0) | (1 << 9) | (1 << 12) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 27) | (1 << 28) | (1 << 29);
    private const int Leaf7 = (1 << 3) | (1 << 5) | (1 << 8);
    private const int Extended = (1 << 0) | (1 << 5);

    [Test]
    public void A_processor_with_every_x86_64_v3_feature_qualifies()
    {
        Assert.That(NativeDispatch.HasX86_64V3(Leaf1, Leaf7, Extended), Is.True);
        Assert.That(NativeDispatch.HasX86_64V3(-1, -1, -1), Is.True);
    }

    [TestCase(0, 0, TestName = "Without SSE3")]
    [TestCase(0, 12, TestName = "Without FMA")]
    [TestCase(0, 22, TestName = "Without MOVBE")]
    [TestCase(0, 23, TestName = "Without POPCNT")]
    [TestCase(0, 27, TestName = "Without OSXSAVE (the system does not save the AVX registers)")]
    [TestCase(0, 28, TestName = "Without AVX")]
    [TestCase(0, 29, TestName = "Without F16C")]
    [TestCase(1, 3, TestName = "Without BMI1")]
    [TestCase(1, 5, TestName = "Without AVX2")]
    [TestCase(1, 8, TestName = "Without BMI2")]
    [TestCase(2, 5, TestName = "Without LZCNT")]
    public void A_processor_missing_one_feature_does_not_qualify(int register, int bit)
    {
        var registers = new[] { Leaf1, Leaf7, Extended };
        registers[register] &= ~(1 << bit);

        Assert.That(NativeDispatch.HasX86_64V3(registers[0], registers[1], registers[2]), Is.False);
    }

    [Test]
    public void This_processor_qualifies_exactly_when_the_runtime_finds_the_same_instruction_sets()
    {
        var runtime = X86Base.IsSupported && Avx2.IsSupported && Bmi1.IsSupported && Bmi2.IsSupported && Fma.IsSupported
            && Lzcnt.IsSupported && Popcnt.IsSupported && Sse42.IsSupported;

        Assert.That(NativeDispatch.HasX86_64V3(), Is.EqualTo(runtime));
    }

    [TestCase(true, true, null, ExpectedResult = true)]
    [TestCase(true, true, "", ExpectedResult = true)]
    [TestCase(true, true, "1", ExpectedResult = false)]
    [TestCase(false, true, null, ExpectedResult = false)]
    [TestCase(true, false, null, ExpectedResult = false)]
    public bool The_command_hands_over_only_to_an_executable_that_is_there_on_a_processor_that_has_x86_64_v3_unless_asked_not_to(
        bool processor, bool executable, string? optOut)
        => NativeDispatch.ShouldHandOver(processor, executable, optOut);

    [Test]
    public void Just_in_time_compiled_the_command_stays_in_its_own_process()
    {
        // Under the JIT the hand-over never applies: this returns, and the test goes on in the same process.
        NativeDispatch.HandOverIfFaster(["--version"]);

        Assert.That(Environment.ProcessId, Is.EqualTo(System.Diagnostics.Process.GetCurrentProcess().Id));
    }
}
