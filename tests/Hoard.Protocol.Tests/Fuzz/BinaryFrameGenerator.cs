using System.Buffers.Binary;
using Hoard.Protocol.Binary;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>The ways a binary frame is damaged; counted by <see cref="BinaryFrameGenerator"/>.</summary>
public enum BinaryMutation
{
    None,
    HugeBodyLength,
    BodyLengthOffByOne,
    KeyLengthTooLong,
    ExtrasLengthWrong,
    RandomOpcode,
    BadMagic,
    Truncate,
    ByteFlips,
    RandomHeader,
}

/// <summary>
/// Binary-protocol request frames: valid requests of every opcode (the extras each expects, keys, values), then
/// with probability 7/8 one damage: a huge or off-by-one body length, key and extras lengths that contradict
/// the body, an unknown opcode, a wrong magic byte, a truncated frame, flipped bytes, or a random header.
/// </summary>
public sealed class BinaryFrameGenerator
{
    private static readonly BinaryOpcode[] Opcodes = Enum.GetValues<BinaryOpcode>();

    private static readonly uint[] HugeLengths = [uint.MaxValue, 0x8000_0000, 0x7FFF_FFFF, 1024 * 1024 + 1, 64 * 1024 + 1, 0x0100_0000];

    private readonly int _keyCount;

    public BinaryFrameGenerator(int keyCount = 64) => _keyCount = keyCount;

    public long[] Applied { get; } = new long[Enum.GetValues<BinaryMutation>().Length];

    public long[] OpcodesGenerated { get; } = new long[256];

    /// <summary>Appends one frame, valid or damaged.</summary>
    public void Append(ref FuzzRng rng, ByteBuilder output)
    {
        int start = output.Length;
        var opcode = Opcodes[rng.Next(Opcodes.Length)];
        OpcodesGenerated[(byte)opcode]++;
        AppendValid(ref rng, output, opcode);
        var mutation = rng.OneIn(8) ? BinaryMutation.None : (BinaryMutation)rng.Next(1, Applied.Length);
        Applied[(int)mutation]++;
        var frame = output.Span[start..];
        switch (mutation)
        {
            case BinaryMutation.HugeBodyLength:
                BinaryPrimitives.WriteUInt32BigEndian(frame[8..], HugeLengths[rng.Next(HugeLengths.Length)]);
                break;
            case BinaryMutation.BodyLengthOffByOne:
            {
                uint body = BinaryPrimitives.ReadUInt32BigEndian(frame[8..]);
                BinaryPrimitives.WriteUInt32BigEndian(frame[8..], rng.OneIn(2) ? body + 1 : body - 1);
                break;
            }
            case BinaryMutation.KeyLengthTooLong:
                BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)(rng.OneIn(2) ? rng.Next(251, 300) : rng.Next(0, 65536)));
                break;
            case BinaryMutation.ExtrasLengthWrong:
                frame[4] = (byte)rng.Next(0, 256);
                break;
            case BinaryMutation.RandomOpcode:
                frame[1] = rng.NextByte();
                break;
            case BinaryMutation.BadMagic:
                frame[0] = rng.OneIn(2) ? (byte)0x81 : rng.NextByte();
                break;
            case BinaryMutation.Truncate:
                output.Truncate(start + rng.Next(frame.Length));
                break;
            case BinaryMutation.ByteFlips:
                for (int i = rng.Next(1, 4); i > 0; i--)
                    frame[rng.Next(frame.Length)] ^= (byte)(1 << rng.Next(8));
                break;
            case BinaryMutation.RandomHeader:
                for (int i = 1; i < BinaryRequestHeader.Size; i++)
                    frame[i] = rng.NextByte();
                break;
            default:
                break;
        }
    }

    private void AppendValid(ref FuzzRng rng, ByteBuilder output, BinaryOpcode opcode)
    {
        var loud = BinaryOpcodes.Loud(opcode);
        int extras = loud switch
        {
            BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace => 8,
            BinaryOpcode.Increment or BinaryOpcode.Decrement => 20,
            BinaryOpcode.Flush => rng.OneIn(2) ? 4 : 0,
            BinaryOpcode.Verbosity or BinaryOpcode.Touch or BinaryOpcode.GetAndTouch or BinaryOpcode.GetAndTouchK => 4,
            _ => 0,
        };
        bool hasKey = loud is not (BinaryOpcode.Quit or BinaryOpcode.Noop or BinaryOpcode.Version or BinaryOpcode.Flush
            or BinaryOpcode.Verbosity or BinaryOpcode.SaslListMechanisms)
            && !(loud == BinaryOpcode.Stat && rng.OneIn(2));
        string key = !hasKey ? "" : rng.Next(30) switch
        {
            0 => new string('L', 250),
            1 => "items",
            2 => "user:" + rng.Next(_keyCount),
            3 => "PLAIN",
            _ => "k" + rng.Next(_keyCount),
        };
        bool hasValue = loud is BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace or BinaryOpcode.Append
            or BinaryOpcode.Prepend or BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep;
        int valueLength = !hasValue ? 0 : rng.Next(40) switch
        {
            0 => rng.Next(0, 70_000),
            1 => 0,
            _ => rng.Next(1, 64),
        };

        Span<byte> header = stackalloc byte[BinaryRequestHeader.Size];
        header[0] = BinaryRequestHeader.RequestMagic;
        header[1] = (byte)opcode;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)key.Length);
        header[4] = (byte)extras;
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)(extras + key.Length + valueLength));
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], (uint)rng.NextUInt64());
        BinaryPrimitives.WriteUInt64BigEndian(header[16..], rng.OneIn(4) ? (ulong)rng.Next(1, 1000) : 0);
        output.Append(header);

        Span<byte> extraBytes = stackalloc byte[extras];
        switch (extras)
        {
            case 8:
                BinaryPrimitives.WriteUInt32BigEndian(extraBytes, (uint)rng.NextUInt64());
                BinaryPrimitives.WriteUInt32BigEndian(extraBytes[4..], (uint)rng.Next(0, 3600));
                break;
            case 20:
                BinaryPrimitives.WriteUInt64BigEndian(extraBytes, rng.OneIn(4) ? ulong.MaxValue : (ulong)rng.Next(0, 1000));
                BinaryPrimitives.WriteUInt64BigEndian(extraBytes[8..], (ulong)rng.Next(0, 1000));
                BinaryPrimitives.WriteUInt32BigEndian(extraBytes[16..], rng.OneIn(3) ? uint.MaxValue : (uint)rng.Next(0, 3600));
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(extraBytes, rng.OneIn(4) ? uint.MaxValue : (uint)rng.Next(0, 3600));
                break;
            default:
                break;
        }
        output.Append(extraBytes);
        output.Append(key);
        if (loud is BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep)
        {
            output.Append("\0user\0pass"u8[..Math.Min(valueLength, 10)]);
            valueLength -= Math.Min(valueLength, 10);
        }
        for (int i = 0; i < valueLength; i++)
            output.Append(rng.OneIn(2) ? (byte)('0' + rng.Next(10)) : rng.NextByte());
    }
}
