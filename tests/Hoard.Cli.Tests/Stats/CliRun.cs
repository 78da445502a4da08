namespace Hoard.Cli.Tests.Stats;

/// <summary>Runs a hoard command in this process, its output captured (not a terminal: plain text).</summary>
public static class CliRun
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await HoardCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A loopback port nobody listens on: bound and released, so a connection to it is refused.</summary>
    public static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The whitespace-separated cells of the first plain-table line that starts with <paramref name="first"/>.</summary>
    public static string[] Row(string text, string first)
    {
        var line = text.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.TrimStart().StartsWith(first + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no row starting with '{first}' in:\n{text}");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
