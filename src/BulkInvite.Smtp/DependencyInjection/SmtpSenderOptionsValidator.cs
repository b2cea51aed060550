using Microsoft.Extensions.Options;

namespace BulkInvite.Smtp.DependencyInjection;

/// <summary>Checks <see cref="SmtpSenderOptions"/> at start-up; each failure names its setting.</summary>
internal sealed class SmtpSenderOptionsValidator : IValidateOptions<SmtpSenderOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = InvitationMessageOptionsValidator.Prefix("Smtp", name);
        var failures = new List<string>();

        void Range(string setting, double value, double min, double max)
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                failures.Add($"{prefix}{setting} is {value}; it must be between {min} and {max}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{prefix}Host is required (the mail server's host name).");
        }

        Range(nameof(options.Port), options.Port, 1, 65535);
        if (!Enum.IsDefined(options.Security))
        {
            failures.Add($"{prefix}Security is {options.Security}; it must be StartTls, ImplicitTls or None.");
        }

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add($"{prefix}UserName and {prefix}Password must be set together, or neither.");
        }

        Range(nameof(options.MaxConnections), options.MaxConnections, 1, 100);
        Range(nameof(options.MaxMessagesPerConnection), options.MaxMessagesPerConnection, 1, 100_000);
        Range(nameof(options.MaxRetries), options.MaxRetries, 0, 20);
        Range(nameof(options.MessagesPerSecond), options.MessagesPerSecond, 0, 1_000_000);
        Positive(nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(nameof(options.MessageTimeout), options.MessageTimeout);
        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add($"{prefix}RetryBaseDelay must not be negative.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"{prefix}RetryMaxDelay ({options.RetryMaxDelay}) must not be shorter than RetryBaseDelay ({options.RetryBaseDelay}).");
        }

        InvitationMessageOptionsValidator.Validate(options.Message, prefix, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string setting, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{prefix}{setting} is {value}; it must be positive.");
            }
        }
    }
}
