using Hoard.Protocol;
using Hoard.Protocol.Text;

namespace Hoard.Server.Statistics;

/// <summary>The text protocol's <c>STAT name value</c> lines.</summary>
public readonly struct TextStatsSink(OutputBuffer output) : IStatsSink
{
    public void Stat(string name, long value) => TextReplyWriter.WriteStat(output, name, value);

    public void Stat(string name, string value) => TextReplyWriter.WriteStat(output, name, value);
}
