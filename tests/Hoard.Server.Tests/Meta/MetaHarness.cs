using System.Text;
using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server.Meta;
using Hoard.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hoard.Server.Tests.Meta;

/// <summary>A cache on a fake clock and a meta handler; requests are parsed with the real parser.</summary>
internal sealed class MetaHarness : IDisposable
{
    private readonly OutputBuffer _output = new();

    public MetaHarness(CacheOptions? options = null)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Engine = new CacheEngine(options ?? new CacheOptions { ShardCount = 4 }, Clock);
        Handler = new MetaCommandHandler(Engine);
    }

    public FakeTimeProvider Clock { get; }

    public CacheEngine Engine { get; }

    public MetaCommandHandler Handler { get; }

    /// <summary>Sends every command in <paramref name="request"/> and returns all the replies.</summary>
    public string Send(string request) => Encoding.Latin1.GetString(Send(Encoding.Latin1.GetBytes(request)));

    public byte[] Send(byte[] request)
    {
        SendWithoutCopy(request);
        return _output.WrittenSpan.ToArray();
    }

    /// <summary>Runs the commands, leaving the replies in the output buffer (for allocation tests).</summary>
    public void SendWithoutCopy(byte[] request)
    {
        _output.Reset();
        ReadOnlySpan<byte> buffer = request;
        while (buffer.Length > 0)
        {
            var status = TextCommandParser.TryParse(buffer, ParserLimits.Default, out var command, out int consumed);
            if (status == ParseStatus.Incomplete)
                throw new InvalidOperationException("incomplete request");  // not an Assert: those allocate, and allocation is measured
            if (status == ParseStatus.Error)
                _output.Write(command.Error.Reply());
            else
                Handler.Execute(ref command, _output);
            buffer = buffer[consumed..];
        }
    }

    public void Advance(int seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    public void Dispose()
    {
        Engine.Dispose();
        _output.Dispose();
    }
}
