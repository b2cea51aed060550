using System.Threading.RateLimiting;

namespace BulkInvite.Smtp.Transport;

/// <summary>
/// A token bucket shared by all connections that lets at most <see cref="SmtpSenderOptions.MessagesPerSecond"/>
/// messages start per second; refilled by a timer of the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SmtpRateLimiter : IDisposable
{
    // Refill at most about 20 times a second; faster rates add several tokens per refill instead.
    private const double MaxRefillsPerSecond = 20;

    private readonly TokenBucketRateLimiter limiter;
    private readonly ITimer timer;

    public SmtpRateLimiter(double messagesPerSecond, TimeProvider time)
    {
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(messagesPerSecond / MaxRefillsPerSecond));
        var period = TimeSpan.FromSeconds(tokensPerPeriod / messagesPerSecond);
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerPeriod,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        timer = time.CreateTimer(static state => ((TokenBucketRateLimiter)state!).TryReplenish(), limiter, period, period);
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

    public void Dispose()
    {
        timer.Dispose();
        limiter.Dispose();
    }
}
