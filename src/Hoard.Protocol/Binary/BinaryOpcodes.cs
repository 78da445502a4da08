namespace Hoard.Protocol.Binary;

/// <summary>What the protocol says about each opcode: its quiet form, its family, the body it must carry.</summary>
public static class BinaryOpcodes
{
    /// <summary>Whether Hoard serves this opcode; others are answered with <see cref="BinaryStatus.UnknownCommand"/>.</summary>
    public static bool IsKnown(BinaryOpcode opcode) => opcode <= BinaryOpcode.Verbosity
        || opcode is BinaryOpcode.Touch or BinaryOpcode.GetAndTouch or BinaryOpcode.GetAndTouchQ
            or BinaryOpcode.SaslListMechanisms or BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep
            or BinaryOpcode.GetAndTouchK or BinaryOpcode.GetAndTouchKQ;

    /// <summary>Quiet opcodes: a get miss, or a successful update, sends nothing.</summary>
    public static bool IsQuiet(BinaryOpcode opcode) => opcode is BinaryOpcode.GetQ or BinaryOpcode.GetKQ
        or (>= BinaryOpcode.SetQ and <= BinaryOpcode.PrependQ) or BinaryOpcode.GetAndTouchQ or BinaryOpcode.GetAndTouchKQ;

    /// <summary>The loud opcode a quiet one is a variant of (the opcode itself when it has no quiet form).</summary>
    public static BinaryOpcode Loud(BinaryOpcode opcode) => opcode switch
    {
        BinaryOpcode.GetQ => BinaryOpcode.Get,
        BinaryOpcode.GetKQ => BinaryOpcode.GetK,
        BinaryOpcode.SetQ => BinaryOpcode.Set,
        BinaryOpcode.AddQ => BinaryOpcode.Add,
        BinaryOpcode.ReplaceQ => BinaryOpcode.Replace,
        BinaryOpcode.DeleteQ => BinaryOpcode.Delete,
        BinaryOpcode.IncrementQ => BinaryOpcode.Increment,
        BinaryOpcode.DecrementQ => BinaryOpcode.Decrement,
        BinaryOpcode.QuitQ => BinaryOpcode.Quit,
        BinaryOpcode.FlushQ => BinaryOpcode.Flush,
        BinaryOpcode.AppendQ => BinaryOpcode.Append,
        BinaryOpcode.PrependQ => BinaryOpcode.Prepend,
        BinaryOpcode.GetAndTouchQ => BinaryOpcode.GetAndTouch,
        BinaryOpcode.GetAndTouchKQ => BinaryOpcode.GetAndTouchK,
        _ => opcode,
    };

    /// <summary>Opcodes whose value is data to store (set, add, replace, append, prepend and their quiet forms).</summary>
    public static bool IsStorage(BinaryOpcode opcode) => Loud(opcode) is BinaryOpcode.Set or BinaryOpcode.Add
        or BinaryOpcode.Replace or BinaryOpcode.Append or BinaryOpcode.Prepend;

    /// <summary>
    /// Whether the header's extras, key and value lengths are the ones the opcode requires (memcached answers
    /// anything else with <see cref="BinaryStatus.InvalidArguments"/> and closes). Unknown opcodes are not
    /// checked: their body is skipped.
    /// </summary>
    public static bool HasValidShape(in BinaryRequestHeader header)
    {
        int extras = header.ExtrasLength;
        int key = header.KeyLength;
        bool noValue = header.ValueLength == 0;
        if (key > BinaryRequestHeader.MaxKeyLength)
            return false;
        return Loud(header.Opcode) switch
        {
            BinaryOpcode.Get or BinaryOpcode.GetK or BinaryOpcode.Delete => extras == 0 && key > 0 && noValue,
            BinaryOpcode.Set or BinaryOpcode.Add or BinaryOpcode.Replace => extras == 8 && key > 0,
            BinaryOpcode.Append or BinaryOpcode.Prepend => extras == 0 && key > 0,
            BinaryOpcode.Increment or BinaryOpcode.Decrement => extras == 20 && key > 0 && noValue,
            BinaryOpcode.Quit or BinaryOpcode.Noop or BinaryOpcode.Version or BinaryOpcode.SaslListMechanisms
                => extras == 0 && key == 0 && noValue,
            BinaryOpcode.Flush => extras is 0 or 4 && key == 0 && noValue,
            BinaryOpcode.Stat => extras == 0 && noValue,
            BinaryOpcode.Verbosity => extras == 4 && key == 0 && noValue,
            BinaryOpcode.Touch or BinaryOpcode.GetAndTouch or BinaryOpcode.GetAndTouchK => extras == 4 && key > 0 && noValue,
            BinaryOpcode.SaslAuthenticate or BinaryOpcode.SaslStep => extras == 0 && key > 0,
            _ => true,
        };
    }
}
