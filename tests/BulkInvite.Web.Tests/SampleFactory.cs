using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BulkInvite.Web.Tests;

/// <summary>The sample host on a data folder of its own (history database and pickup folders).</summary>
internal sealed class SampleFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _time;
    private readonly ILoggerProvider? _logs;

    public SampleFactory(long? maxFileBytes = null, bool kestrel = false, TimeProvider? time = null, ILoggerProvider? logs = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _time = time;
        _logs = logs;
        DataDirectory = Path.Combine(Path.GetTempPath(), "bulkinvite-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>
        {
            ["Sample:DataDirectory"] = DataDirectory,
            ["BulkInvite:ProgressInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (maxFileBytes is { } limit)
        {
            _settings["BulkInvite:MaxFileBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (kestrel)
        {
            UseKestrel(0);
        }

        OnKestrel = kestrel;
    }

    public string DataDirectory { get; }

    /// <summary>Whether the sample runs on Kestrel (a real port) rather than in memory.</summary>
    public bool OnKestrel { get; }

    /// <summary>The .eml files written for one tenant.</summary>
    public string[] PickupFiles(string tenant)
    {
        var folder = Path.Combine(DataDirectory, "pickup", tenant);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        if (_time is not null)
        {
            // The host's clock: the SDK reads the time from it (invitation expiry among the rest).
            builder.ConfigureTestServices(services => services.AddSingleton(_time));
        }

        if (_logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(_logs));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing import; the folder is under the system's temporary folder.
        }
    }
}
