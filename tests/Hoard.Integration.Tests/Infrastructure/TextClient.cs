using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// A deliberately small raw-TCP client for the memcached text protocol: send bytes, read lines or exact byte
/// counts. Every read is bounded by <see cref="Timeout"/>; strings are Latin-1 so bytes map one to one.
/// </summary>
public sealed class TextClient : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private TextClient(Socket socket)
    {
        _socket = socket;
        Timeout = TimeSpan.FromSeconds(10);
    }

    public TimeSpan Timeout
    {
        get => TimeSpan.FromMilliseconds(_socket.ReceiveTimeout);
        set
        {
            _socket.ReceiveTimeout = (int)value.TotalMilliseconds;
            _socket.SendTimeout = (int)Math.Max(value.TotalMilliseconds, 10_000);
        }
    }

    public static TextClient Connect(int port) => Connect(System.Net.IPAddress.Loopback, port);

    public static TextClient Connect(System.Net.IPAddress address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(address, port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TextClient(socket);
    }

    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public void Send(string text) => Send(Bytes(text));

    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = _socket.Send(bytes);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Sends <paramref name="command"/> (CRLF added) and returns the first reply line.</summary>
    public string Call(string command)
    {
        Send(command + "\r\n");
        return ReadLine();
    }

    /// <summary>Reads one line and returns it without its CRLF. Throws on timeout or when the peer closes.</summary>
    public string ReadLine()
    {
        var raw = ReadRawLine();
        return raw.EndsWith("\r\n", StringComparison.Ordinal) ? raw[..^2] : raw[..^1];
    }

    /// <summary>Reads <paramref name="lines"/> lines and returns them exactly as received, terminators included.</summary>
    public string ReadReply(int lines)
    {
        var reply = new StringBuilder();
        for (var i = 0; i < lines; i++)
            reply.Append(ReadRawLine());
        return reply.ToString();
    }

    /// <summary>Sends <paramref name="request"/> and reads as many lines as <paramref name="expected"/> has, verbatim.</summary>
    public string Exchange(string request, string expected)
    {
        Send(request);
        return ReadReply(Math.Max(1, expected.Count(c => c == '\n')));
    }

    /// <summary>Reads one line including its terminator.</summary>
    public string ReadRawLine()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Text(_buffer.AsSpan(_start, newline + 1 - _start));
                _start = newline + 1;
                return line;
            }
            Fill("a line");
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public byte[] ReadExact(int count)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
                Fill($"{count} bytes (got {copied})");
            var n = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }
        return result;
    }

    /// <summary>Reads as many bytes as <paramref name="expected"/> has and returns them as text, for an exact comparison.</summary>
    public string ReadExactText(string expected) => Text(ReadExact(expected.Length));

    /// <summary>Reads lines until one equals <paramref name="terminator"/>; returns them all, terminator excluded.</summary>
    public List<string> ReadLinesUntil(string terminator)
    {
        var lines = new List<string>();
        for (var line = ReadLine(); line != terminator; line = ReadLine())
            lines.Add(line);
        return lines;
    }

    /// <summary>
    /// True when the server closes the connection (EOF or reset) within <paramref name="within"/>; anything
    /// it sends before closing is discarded.
    /// </summary>
    public bool WaitForClose(TimeSpan within)
    {
        var old = Timeout;
        var deadline = DateTime.UtcNow + within;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                Timeout = TimeSpan.FromMilliseconds(Math.Max(1, (deadline - DateTime.UtcNow).TotalMilliseconds));
                int n;
                try
                {
                    n = _socket.Receive(_buffer);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
                {
                    return false;
                }
                catch (SocketException)
                {
                    return true; // reset
                }
                if (n == 0)
                    return true;
            }
            return false;
        }
        finally
        {
            _start = _end = 0;
            try
            {
                Timeout = old;
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Bytes received but not read yet, for diagnostics.</summary>
    public string Pending => Text(_buffer.AsSpan(_start, _end - _start));

    // ---- small conveniences over the protocol ----

    public string Set(string key, string value, int flags = 0, long exptime = 0) =>
        Store("set", key, value, flags, exptime);

    public string Store(string verb, string key, string value, int flags = 0, long exptime = 0)
    {
        Send($"{verb} {key} {flags} {exptime} {value.Length}\r\n{value}\r\n");
        return ReadLine();
    }

    /// <summary>Single-key get; null on a miss.</summary>
    public string? Get(string key)
    {
        Send($"get {key}\r\n");
        var line = ReadLine();
        if (line == "END")
            return null;
        var parts = line.Split(' ');
        if (parts.Length < 4 || parts[0] != "VALUE" || parts[1] != key)
            throw new InvalidOperationException($"Unexpected reply to get {key}: {line}");
        var value = Text(ReadExact(int.Parse(parts[3], CultureInfo.InvariantCulture)));
        var crlf = Text(ReadExact(2));
        if (crlf != "\r\n")
            throw new InvalidOperationException($"Value of {key} not followed by CRLF: '{crlf}'");
        var end = ReadLine();
        if (end != "END")
            throw new InvalidOperationException($"Expected END after value of {key}, got {end}");
        return value;
    }

    /// <summary>Multi-key get; returns the keys found with their values.</summary>
    public Dictionary<string, string> GetMany(IEnumerable<string> keys, string verb = "get")
    {
        Send($"{verb} {string.Join(' ', keys)}\r\n");
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var line = ReadLine(); line != "END"; line = ReadLine())
        {
            var parts = line.Split(' ');
            if (parts.Length < 4 || parts[0] != "VALUE")
                throw new InvalidOperationException($"Unexpected reply line to {verb}: {line}");
            found[parts[1]] = Text(ReadExact(int.Parse(parts[3], CultureInfo.InvariantCulture)));
            ReadExact(2);
        }
        return found;
    }

    /// <summary><c>gets</c> of one key: (value, cas unique), or null on a miss.</summary>
    public (string Value, ulong Cas)? Gets(string key)
    {
        Send($"gets {key}\r\n");
        var line = ReadLine();
        if (line == "END")
            return null;
        var parts = line.Split(' ');
        if (parts.Length != 5 || parts[0] != "VALUE")
            throw new InvalidOperationException($"Unexpected reply to gets {key}: {line}");
        var value = Text(ReadExact(int.Parse(parts[3], CultureInfo.InvariantCulture)));
        ReadExact(2);
        var end = ReadLine();
        if (end != "END")
            throw new InvalidOperationException($"Expected END after gets {key}, got {end}");
        return (value, ulong.Parse(parts[4], CultureInfo.InvariantCulture));
    }

    /// <summary>The <c>stats</c> reply as name → value.</summary>
    public Dictionary<string, string> Stats(string? group = null)
    {
        Send(group is null ? "stats\r\n" : $"stats {group}\r\n");
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var line = ReadLine(); line != "END"; line = ReadLine())
        {
            var parts = line.Split(' ', 3);
            if (parts.Length < 3 || parts[0] != "STAT")
                throw new InvalidOperationException($"Unexpected stats line: {line}");
            stats[parts[1]] = parts[2];
        }
        return stats;
    }

    public long Stat(string name)
    {
        var stats = Stats();
        return stats.TryGetValue(name, out var value)
            ? long.Parse(value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"stats has no '{name}'");
    }

    public void Dispose() => _socket.Dispose();

    private void Fill(string waitingFor)
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
        int n;
        try
        {
            n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
        {
            throw new TimeoutException(
                $"No reply within {Timeout.TotalSeconds}s while waiting for {waitingFor}; unread so far: '{Pending}'", e);
        }
        if (n == 0)
            throw new EndOfStreamException($"Server closed the connection while we waited for {waitingFor}; unread: '{Pending}'");
        _end += n;
    }
}
