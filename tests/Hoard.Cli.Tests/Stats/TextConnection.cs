using System.Net.Sockets;
using System.Text;

namespace Hoard.Cli.Tests.Stats;

/// <summary>A raw memcached text-protocol connection: the traffic the tests then expect to see in the figures.</summary>
public sealed class TextConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private TextConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _stream.ReadTimeout = 10_000;
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static TextConnection Open(int port, string host = "127.0.0.1") => new(new TcpClient(host, port));

    public static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public string Version()
    {
        Send("version\r\n");
        return ReadLine();
    }

    /// <summary>The <c>stats</c> reply as name/value pairs.</summary>
    public IReadOnlyDictionary<string, string> Stats()
    {
        Send("stats\r\n");
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var line = ReadLine(); line != "END"; line = ReadLine())
        {
            var parts = line.Split(' ', 3);
            if (parts.Length != 3 || parts[0] != "STAT")
                throw new InvalidOperationException($"stats: {line}");
            stats[parts[1]] = parts[2];
        }
        return stats;
    }

    public void Set(string key, string value)
    {
        Send($"set {key} 0 0 {Encoding.ASCII.GetByteCount(value)}\r\n{value}\r\n");
        var reply = ReadLine();
        if (reply != "STORED")
            throw new InvalidOperationException($"set {key}: {reply}");
    }

    /// <summary>The value, or null on a miss.</summary>
    public string? Get(string key)
    {
        Send($"get {key}\r\n");
        string? value = null;
        while (true)
        {
            var line = ReadLine();
            if (line == "END")
                return value;
            if (line.StartsWith("VALUE ", StringComparison.Ordinal))
                value = ReadLine();
            else
                throw new InvalidOperationException($"get {key}: {line}");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }

    private void Send(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        _stream.Write(bytes);
    }

    private string ReadLine() => _reader.ReadLine() ?? throw new IOException("the server closed the connection");
}
