using Hoard.Protocol.Text;

namespace Hoard.Protocol.Meta;

/// <summary>Why a meta command line was refused; <see cref="MetaErrorExtensions.Reply"/> gives memcached 1.6's exact line.</summary>
public enum MetaError : byte
{
    None,
    /// <summary>Key token longer than 250 bytes, or (<c>me</c>) a key that does not decode.</summary>
    BadCommandLineFormat,
    /// <summary>More than 17 flags (16 after <c>ms</c>'s data length).</summary>
    OptionsTooLong,
    InvalidFlag,
    /// <summary>A flag given twice, or a flag token starting with a byte of 127 or more.</summary>
    DuplicateFlag,
    /// <summary>A bad number after <c>T N R C E</c>.</summary>
    BadToken,
    /// <summary>A bad number after <c>F</c> (memcached reports it with its default message).</summary>
    BadClientFlags,
    KeyDecoding,
    MTokenLength,
    InvalidInitialValue,
    InvalidDeltaValue,
    OpaqueTooLong,
    InvalidSetMode,
    InvalidArithmeticMode,
}

public static class MetaErrorExtensions
{
    /// <summary>memcached's reply line for <paramref name="error"/> on the meta command <paramref name="kind"/>.</summary>
    public static ReadOnlySpan<byte> Reply(this MetaError error, TextCommandKind kind)
    {
        // md and ma report every flag-parsing failure with one message.
        if (kind is TextCommandKind.MetaDelete or TextCommandKind.MetaArithmetic && error.IsFlagError())
            return "CLIENT_ERROR invalid or duplicate flag\r\n"u8;
        return error switch
        {
            MetaError.OptionsTooLong => kind == TextCommandKind.MetaGet
                ? "CLIENT_ERROR options flags are too long\r\n"u8
                : "CLIENT_ERROR options flags too long\r\n"u8,
            MetaError.InvalidFlag => "CLIENT_ERROR invalid flag\r\n"u8,
            MetaError.DuplicateFlag => "CLIENT_ERROR duplicate flag\r\n"u8,
            MetaError.BadToken => "CLIENT_ERROR bad token in command line format\r\n"u8,
            MetaError.KeyDecoding => "CLIENT_ERROR error decoding key\r\n"u8,
            MetaError.MTokenLength => "CLIENT_ERROR incorrect length for M token\r\n"u8,
            MetaError.InvalidInitialValue => "CLIENT_ERROR invalid numeric initial value\r\n"u8,
            MetaError.InvalidDeltaValue => "CLIENT_ERROR invalid numeric delta value\r\n"u8,
            MetaError.OpaqueTooLong => "CLIENT_ERROR opaque token too long\r\n"u8,
            MetaError.InvalidSetMode => "CLIENT_ERROR invalid mode for ms M token\r\n"u8,
            MetaError.InvalidArithmeticMode => "CLIENT_ERROR invalid mode for ma M token\r\n"u8,
            _ => "CLIENT_ERROR bad command line format\r\n"u8,
        };
    }

    /// <summary>Errors found while reading the flag tokens themselves (memcached's <c>_meta_flag_preparse</c>).</summary>
    public static bool IsFlagError(this MetaError error) => error is MetaError.InvalidFlag or MetaError.DuplicateFlag
        or MetaError.BadToken or MetaError.BadClientFlags or MetaError.KeyDecoding or MetaError.MTokenLength
        or MetaError.InvalidInitialValue or MetaError.InvalidDeltaValue;
}
