using System.Net.Mail;
using BenchmarkDotNet.Attributes;
using MimeKit;

namespace BulkInvite.Benchmarks;

/// <summary>The validator against its peers on the same 10,000 addresses (about 5% invalid).</summary>
[MemoryDiagnoser]
public class ValidatorBenchmarks
{
    private readonly EmailValidator _validator = EmailValidator.Default;
    private string[] _addresses = [];
    private byte[][] _utf8 = [];

    [GlobalSetup]
    public void Setup()
    {
        _addresses = AddressCorpus.Create(10_000);
        _utf8 = [.. _addresses.Select(System.Text.Encoding.UTF8.GetBytes)];
    }

    [Benchmark(Baseline = true, Description = "MailAddress.TryCreate")]
    public int MailAddressTryCreate()
    {
        var valid = 0;
        foreach (var address in _addresses)
        {
            if (MailAddress.TryCreate(address, out _))
            {
                valid++;
            }
        }

        return valid;
    }

    [Benchmark(Description = "MimeKit MailboxAddress.TryParse")]
    public int MimeKitTryParse()
    {
        var valid = 0;
        foreach (var address in _addresses)
        {
            if (MailboxAddress.TryParse(address, out _))
            {
                valid++;
            }
        }

        return valid;
    }

    [Benchmark(Description = "BulkInvite EmailValidator (UTF-8 bytes)")]
    public int BulkInviteValidatorUtf8()
    {
        var valid = 0;
        foreach (var address in _utf8)
        {
            if (_validator.Validate(address) == InvalidReason.None)
            {
                valid++;
            }
        }

        return valid;
    }

    [Benchmark(Description = "BulkInvite EmailValidator")]
    public int BulkInviteValidator()
    {
        var valid = 0;
        foreach (var address in _addresses)
        {
            if (_validator.Validate(address) == InvalidReason.None)
            {
                valid++;
            }
        }

        return valid;
    }
}
