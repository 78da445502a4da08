using Hoard.Protocol.Meta;

namespace Hoard.Protocol.Tests.Fuzz;

/// <summary>What <see cref="CommandCorpus"/> generates.</summary>
public sealed record CorpusOptions
{
    /// <summary>Keys are <c>{KeyPrefix}{n}</c> with n below <see cref="KeyCount"/>, plus a few long and prefixed ones.</summary>
    public string KeyPrefix { get; init; } = "k";

    public int KeyCount { get; init; } = 64;

    /// <summary>Data blocks are mostly short, sometimes up to this size and now and then just above it.</summary>
    public int MaxValueLength { get; init; } = 4096;

    /// <summary><c>cache_memlimit</c> changes the server's memory limit; the server-level fuzz leaves it out.</summary>
    public bool IncludeCacheMemLimit { get; init; } = true;
}

/// <summary>
/// Valid text and meta commands of every kind, with data blocks, the seeds the mutator starts from. Every command
/// is well formed (and most succeed against a server), so mutations of them land near the parser's real paths.
/// </summary>
public sealed class CommandCorpus
{
    /// <summary>One generator per command kind; the index is the kind number reported in the statistics.</summary>
    public static readonly string[] Kinds =
    [
        "get", "gets", "gat", "gats", "set", "add", "replace", "append", "prepend", "cas", "delete", "incr", "decr",
        "touch", "flush_all", "version", "verbosity", "quit", "stats", "shutdown", "cache_memlimit",
        "mg", "ms", "md", "ma", "mn", "me", "refresh_certs", "unknown",
    ];

    private static readonly string[] StatsGroups = ["", " items", " slabs", " settings", " sizes", " detail on", " detail dump", " detail off", " reset", " conns"];
    private static readonly string[] GetFlags = ["v", "f", "t", "c", "k", "s", "h", "l", "q", "u", "O123", "Oopaque", "T30", "N30", "R10", "E77", "b"];
    private static readonly string[] SetFlags = ["c", "k", "q", "O9", "T0", "T60", "F5", "F4294967295", "I", "E99", "MS", "ME", "MA", "MP", "MR", "Ms", "b", "C0"];
    private static readonly string[] DeleteFlags = ["q", "k", "O1", "I", "T30", "x", "C0", "E5", "b"];
    private static readonly string[] ArithmeticFlags = ["N0", "N60", "J13", "D5", "T10", "MI", "MD", "M+", "M-", "q", "O2", "t", "c", "v", "k", "b"];

    private readonly CorpusOptions _options;

    public CommandCorpus(CorpusOptions options) => _options = options;

    public CorpusOptions Options => _options;

    /// <summary>Appends one command of a random kind; returns its kind index in <see cref="Kinds"/>.</summary>
    public int Append(ref FuzzRng rng, ByteBuilder output)
    {
        int kind;
        do
            kind = rng.Next(Kinds.Length);
        while (!_options.IncludeCacheMemLimit && Kinds[kind] == "cache_memlimit");
        Append(ref rng, output, kind);
        return kind;
    }

    public void Append(ref FuzzRng rng, ByteBuilder output, int kind)
    {
        string name = Kinds[kind];
        switch (name)
        {
            case "get":
            case "gets":
                output.Append(name);
                AppendKeys(ref rng, output);
                break;
            case "gat":
            case "gats":
                output.Append(name).Append(" ").Append(Exptime(ref rng));
                AppendKeys(ref rng, output);
                break;
            case "set":
            case "add":
            case "replace":
            case "append":
            case "prepend":
            case "cas":
            {
                int length = ValueLength(ref rng);
                output.Append(name).Append(" ").Append(Key(ref rng)).Append(" ").Append(ClientFlags(ref rng)).Append(" ")
                    .Append(Exptime(ref rng)).Append(" ").Append(length);
                if (name == "cas")
                    output.Append(" ").Append((ulong)rng.Next(1, 100_000));
                AppendNoReply(ref rng, output);
                output.Append("\r\n");
                AppendValue(ref rng, output, length);
                output.Append("\r\n");
                return;
            }
            case "delete":
                output.Append("delete ").Append(Key(ref rng));
                switch (rng.Next(4))
                {
                    case 0: output.Append(" 0"); break;
                    case 1: output.Append(" noreply"); break;
                    case 2: output.Append(" 0 noreply"); break;
                    default: break;
                }
                break;
            case "incr":
            case "decr":
                output.Append(name).Append(" ").Append(Key(ref rng)).Append(" ").Append((ulong)rng.Next(0, 1000));
                AppendNoReply(ref rng, output);
                break;
            case "touch":
                output.Append("touch ").Append(Key(ref rng)).Append(" ").Append(Exptime(ref rng));
                AppendNoReply(ref rng, output);
                break;
            case "flush_all":
                output.Append("flush_all");
                if (rng.OneIn(2))
                    output.Append(" ").Append(rng.Next(0, 100));
                AppendNoReply(ref rng, output);
                break;
            case "verbosity":
                output.Append("verbosity ").Append(rng.Next(0, 4));
                AppendNoReply(ref rng, output);
                break;
            case "cache_memlimit":
                output.Append("cache_memlimit ").Append(rng.Next(0, 3) switch { 0 => rng.Next(0, 8), 1 => rng.Next(8, 4096), _ => 17_592_186_044_424L });
                AppendNoReply(ref rng, output);
                break;
            case "stats":
                output.Append("stats").Append(StatsGroups[rng.Next(StatsGroups.Length)]);
                break;
            case "mg":
                output.Append("mg ");
                AppendMetaKeyAndFlags(ref rng, output, GetFlags);
                break;
            case "ms":
            {
                int length = ValueLength(ref rng);
                bool binary = rng.OneIn(6);
                output.Append("ms ");
                AppendMetaKey(ref rng, output, binary);
                output.Append(" ").Append(length);
                AppendFlags(ref rng, output, SetFlags, binary);
                output.Append("\r\n");
                AppendValue(ref rng, output, length);
                output.Append("\r\n");
                return;
            }
            case "md":
                output.Append("md ");
                AppendMetaKeyAndFlags(ref rng, output, DeleteFlags);
                break;
            case "ma":
                output.Append("ma ");
                AppendMetaKeyAndFlags(ref rng, output, ArithmeticFlags);
                break;
            case "me":
                output.Append("me ").Append(Key(ref rng));
                break;
            case "unknown":
                output.Append(rng.Pick(["bogus", "GET", "sets", "mz", "m", "stat", "flush", "gat1"]));
                if (rng.OneIn(2))
                    output.Append(" ").Append(Key(ref rng));
                break;
            default:
                // version quit shutdown mn refresh_certs
                output.Append(name);
                break;
        }
        output.Append(rng.OneIn(16) ? "\n" : "\r\n");
    }

    private string Key(ref FuzzRng rng)
    {
        switch (rng.Next(40))
        {
            case 0: return new string('L', 250);
            case 1: return new string('L', 251);
            case 2: return "user:" + rng.Next(_options.KeyCount);
            case 3: return "n" + rng.Next(_options.KeyCount);  // keys incr/decr will find numeric after a set of digits
            default: return _options.KeyPrefix + rng.Next(_options.KeyCount);
        }
    }

    private void AppendKeys(ref FuzzRng rng, ByteBuilder output)
    {
        int count = rng.OneIn(20) ? rng.Next(50, 400) : rng.Next(1, 6);
        for (int i = 0; i < count; i++)
            output.Append(" ").Append(Key(ref rng));
    }

    private void AppendMetaKey(ref FuzzRng rng, ByteBuilder output, bool base64)
    {
        string key = Key(ref rng);
        if (!base64)
        {
            output.Append(key);
            return;
        }
        Span<byte> raw = stackalloc byte[256];
        int length = System.Text.Encoding.ASCII.GetBytes(key.AsSpan(0, Math.Min(key.Length, 180)), raw);
        Span<byte> encoded = stackalloc byte[MetaBase64.EncodedLength(length)];
        output.Append(encoded[..MetaBase64.Encode(raw[..length], encoded)]);
    }

    private void AppendMetaKeyAndFlags(ref FuzzRng rng, ByteBuilder output, string[] flags)
    {
        bool binary = rng.OneIn(6);
        AppendMetaKey(ref rng, output, binary);
        AppendFlags(ref rng, output, flags, binary);
    }

    private static void AppendFlags(ref FuzzRng rng, ByteBuilder output, string[] flags, bool binary)
    {
        // Distinct flags in random order (a repeated flag is the mutator's job).
        ulong used = 0;
        int count = rng.Next(0, 6);
        for (int i = 0; i < count; i++)
        {
            int pick = rng.Next(flags.Length);
            string flag = flags[pick];
            ulong bit = MetaFlagParser.Bit((byte)flag[0]);
            if ((used & bit) != 0 || flag == "b")
                continue;
            used |= bit;
            output.Append(" ").Append(flag);
        }
        if (binary)
            output.Append(" b");
    }

    private static void AppendNoReply(ref FuzzRng rng, ByteBuilder output)
    {
        if (rng.OneIn(4))
            output.Append(" noreply");
    }

    private int ValueLength(ref FuzzRng rng) => rng.Next(20) switch
    {
        0 => rng.Next(0, _options.MaxValueLength + 1),
        1 => _options.MaxValueLength + rng.Next(1, 64),
        2 => 0,
        _ => rng.Next(1, 48),
    };

    private static void AppendValue(ref FuzzRng rng, ByteBuilder output, int length)
    {
        // Mostly digits (so incr/decr meet numbers), sometimes arbitrary bytes including CR and LF.
        switch (rng.Next(3))
        {
            case 0:
                for (int i = 0; i < length; i++)
                    output.Append((byte)('0' + rng.Next(10)));
                break;
            case 1:
                for (int i = 0; i < length; i++)
                    output.Append(rng.NextByte());
                break;
            default:
                output.Repeat((byte)('a' + rng.Next(26)), length);
                break;
        }
    }

    private static long Exptime(ref FuzzRng rng) => rng.Next(6) switch
    {
        0 => 0,
        1 => -1,
        2 => rng.Next(1, 3600),
        3 => 2_592_000 + rng.Next(1, 1000),   // past REALTIME_MAXDELTA: an absolute (long past) Unix time
        4 => 4_000_000_000L + rng.Next(1000), // an absolute time in the future
        _ => 1000 + rng.Next(100_000),
    };

    private static uint ClientFlags(ref FuzzRng rng) => rng.Next(4) switch
    {
        0 => 0,
        1 => uint.MaxValue,
        _ => (uint)rng.Next(0, 70_000),
    };
}
