namespace Hoard.Protocol.Text;

/// <summary>Why a command line was refused; <see cref="ProtocolErrorExtensions.Reply"/> gives memcached's exact reply.</summary>
public enum ProtocolError : byte
{
    None,
    /// <summary>Unknown command or empty line: <c>ERROR</c>.</summary>
    UnknownCommand,
    BadCommandLineFormat,
    BadDataChunk,
    ObjectTooLarge,
    InvalidExptime,
    InvalidDelta,
    /// <summary>A line without newline past the limit; the connection is closed after the reply.</summary>
    LineTooLong,
    DeleteUsage,
    TooManyTokens,
    KeyTooLong,
}

public static class ProtocolErrorExtensions
{
    public static ReadOnlySpan<byte> Reply(this ProtocolError error) => error switch
    {
        ProtocolError.UnknownCommand => "ERROR\r\n"u8,
        ProtocolError.BadDataChunk => "CLIENT_ERROR bad data chunk\r\n"u8,
        ProtocolError.ObjectTooLarge => "SERVER_ERROR object too large for cache\r\n"u8,
        ProtocolError.InvalidExptime => "CLIENT_ERROR invalid exptime argument\r\n"u8,
        ProtocolError.InvalidDelta => "CLIENT_ERROR invalid numeric delta argument\r\n"u8,
        ProtocolError.LineTooLong => "CLIENT_ERROR line too long\r\n"u8,
        ProtocolError.DeleteUsage => "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"u8,
        ProtocolError.TooManyTokens => "CLIENT_ERROR bad command line format\r\n"u8,
        ProtocolError.KeyTooLong => "CLIENT_ERROR bad command line format\r\n"u8,
        _ => "CLIENT_ERROR bad command line format\r\n"u8,
    };
}
