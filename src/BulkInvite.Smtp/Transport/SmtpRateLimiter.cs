using System.Threading.RateLimiting;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// A token bucket shared by all connections that lets at most <see cref="SmtpSenderOptions.MessagesPerSecond"/>
/// messages start per second.
/// </summary>
/// <remarks>
/// The bucket refills itself from its own timer. Manual refills from a <see cref="TimeProvider"/> timer were tried: the
/// limiter then measures elapsed time with <see cref="System.Diagnostics.Stopwatch"/> anyway and skips refills that
/// arrive a little early, which halved the rate.
/// </remarks>
internal sealed class SmtpRateLimiter : IDisposable
{
    // Refill at most about 20 times a second; faster rates add several tokens per refill instead.
    private const double MaxRefillsPerSecond = 20;

    private readonly TokenBucketRateLimiter limiter;

    public SmtpRateLimiter(double messagesPerSecond)
    {
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(messagesPerSecond / MaxRefillsPerSecond));
        var period = TimeSpan.FromSeconds(tokensPerPeriod / messagesPerSecond);
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerPeriod,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Waits until one more message may start.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The SMTP rate limiter refused a permit.");
        }
    }

    public void Dispose() => limiter.Dispose();
}
