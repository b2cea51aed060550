using Microsoft.Playwright;

namespace BulkInvite.Web.Tests;

/// <summary>Debian's Chromium, headless, as the browser tests launch it (no download: Playwright drives the installed one).</summary>
internal static class Chromium
{
    private const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Fails the fixture with the install line when Chromium is missing.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"{ExecutablePath} is missing: install Debian's Chromium (apt-get install -y chromium) to run the browser tests.");
        }
    }

    /// <summary>Launches it headless, without a sandbox (the tests may run as root) and without reaching for any host.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });
}
