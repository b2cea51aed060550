using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BulkInvite.Benchmarks;

/// <summary>
/// Postfix's <c>smtp-sink</c> on 127.0.0.1 (Debian package <c>postfix</c>): accepts every message and throws it
/// away, so that a benchmark measures the client.
/// </summary>
internal sealed class SmtpSink : IDisposable
{
    private const string Path = "/usr/sbin/smtp-sink";
    private readonly Process _process;

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static SmtpSink Start()
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} is missing: install it with 'apt-get install -y postfix'.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo(Path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-u", "nobody", $"127.0.0.1:{port}", "1024" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("smtp-sink did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return new SmtpSink(process, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("smtp-sink did not listen within 10 seconds.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
