using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoard.Protocol.Binary;

namespace Hoard.Server.Tests.Binary;

/// <summary>A binary-protocol response as received.</summary>
internal sealed record BinaryResponse(BinaryOpcode Opcode, BinaryStatus Status, uint Opaque, ulong Cas, byte[] Extras, byte[] Key, byte[] Value)
{
    public string KeyText => Encoding.ASCII.GetString(Key);
    public string ValueText => Encoding.ASCII.GetString(Value);
    public uint Flags => BinaryPrimitives.ReadUInt32BigEndian(Extras);
    public ulong Counter => BinaryPrimitives.ReadUInt64BigEndian(Value);
}

/// <summary>Builds binary-protocol requests for tests.</summary>
internal static class BinaryFrames
{
    public static byte[] Request(BinaryOpcode opcode, string key = "", byte[]? extras = null, byte[]? value = null, uint opaque = 0, ulong cas = 0)
    {
        var keyBytes = Encoding.ASCII.GetBytes(key);
        extras ??= [];
        value ??= [];
        var frame = new byte[24 + extras.Length + keyBytes.Length + value.Length];
        frame[0] = BinaryRequestHeader.RequestMagic;
        frame[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)keyBytes.Length);
        frame[4] = (byte)extras.Length;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)(extras.Length + keyBytes.Length + value.Length));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), opaque);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(16), cas);
        extras.CopyTo(frame, 24);
        keyBytes.CopyTo(frame, 24 + extras.Length);
        value.CopyTo(frame, 24 + extras.Length + keyBytes.Length);
        return frame;
    }

    public static byte[] Set(BinaryOpcode opcode, string key, string value, uint flags = 0, uint exptime = 0, ulong cas = 0, uint opaque = 0) =>
        Request(opcode, key, StoreExtras(flags, exptime), Encoding.ASCII.GetBytes(value), opaque, cas);

    public static byte[] StoreExtras(uint flags, uint exptime)
    {
        var extras = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(extras, flags);
        BinaryPrimitives.WriteUInt32BigEndian(extras.AsSpan(4), exptime);
        return extras;
    }

    public static byte[] Counter(BinaryOpcode opcode, string key, ulong delta, ulong initial = 0, uint exptime = 0, ulong cas = 0) =>
        Request(opcode, key, CounterExtras(delta, initial, exptime), cas: cas);

    public static byte[] CounterExtras(ulong delta, ulong initial, uint exptime)
    {
        var extras = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(extras, delta);
        BinaryPrimitives.WriteUInt64BigEndian(extras.AsSpan(8), initial);
        BinaryPrimitives.WriteUInt32BigEndian(extras.AsSpan(16), exptime);
        return extras;
    }

    public static byte[] Expiry(uint exptime)
    {
        var extras = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(extras, exptime);
        return extras;
    }

    public static byte[] Concat(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>Splits a byte stream into responses; a trailing partial response is an error.</summary>
    public static List<BinaryResponse> Parse(ReadOnlySpan<byte> bytes)
    {
        var responses = new List<BinaryResponse>();
        while (bytes.Length > 0)
        {
            Assert.True(bytes.Length >= 24, $"partial header: {bytes.Length} bytes");
            Assert.Equal(BinaryRequestHeader.ResponseMagic, bytes[0]);
            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
            int extrasLength = bytes[4];
            int body = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
            Assert.True(bytes.Length >= 24 + body, "partial body");
            var b = bytes.Slice(24, body);
            responses.Add(new BinaryResponse(
                (BinaryOpcode)bytes[1],
                (BinaryStatus)BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]),
                BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
                b[..extrasLength].ToArray(),
                b.Slice(extrasLength, keyLength).ToArray(),
                b[(extrasLength + keyLength)..].ToArray()));
            bytes = bytes[(24 + body)..];
        }
        return responses;
    }
}

/// <summary>A TCP client speaking the binary protocol; every read has a timeout.</summary>
internal sealed class BinaryClient : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _pending = new();

    public BinaryClient(EndPoint endPoint)
    {
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, NoDelay = true };
        _socket.Connect(endPoint);
    }

    public void Send(byte[] bytes) => _socket.Send(bytes);

    /// <summary>Reads exactly <paramref name="count"/> responses.</summary>
    public List<BinaryResponse> Read(int count)
    {
        var responses = new List<BinaryResponse>();
        while (responses.Count < count)
        {
            if (!TryTakeOne(out var response))
            {
                Fill();
                continue;
            }
            responses.Add(response);
        }
        return responses;
    }

    public BinaryResponse ReadOne() => Read(1)[0];

    /// <summary>Sends one request and reads one response.</summary>
    public BinaryResponse Call(byte[] request)
    {
        Send(request);
        return ReadOne();
    }

    /// <summary>Reads until the server closes; returns the responses received before the close.</summary>
    public List<BinaryResponse> ReadUntilClosed()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer);
                if (n == 0)
                    break;
                _pending.Write(buffer, 0, n);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        var responses = BinaryFrames.Parse(_pending.ToArray());
        _pending.SetLength(0);
        return responses;
    }

    /// <summary>True when nothing arrives within <paramref name="milliseconds"/> (quiet commands).</summary>
    public bool NothingArrives(int milliseconds)
    {
        if (_pending.Length > 0)
            return false;
        return !_socket.Poll(milliseconds * 1000, SelectMode.SelectRead);
    }

    private void Fill()
    {
        var buffer = new byte[64 * 1024];
        int n = _socket.Receive(buffer);
        if (n == 0)
            throw new InvalidOperationException("the server closed the connection");
        _pending.Write(buffer, 0, n);
    }

    private bool TryTakeOne(out BinaryResponse response)
    {
        response = null!;
        var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
        if (bytes.Length < 24)
            return false;
        int total = 24 + (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
        if (bytes.Length < total)
            return false;
        response = BinaryFrames.Parse(bytes[..total])[0];
        var rest = bytes[total..].ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
