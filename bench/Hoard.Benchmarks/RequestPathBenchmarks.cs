using System.Text;
using BenchmarkDotNet.Attributes;
using Hoard.Protocol;
using Hoard.Protocol.Text;
using Hoard.Server;
using Hoard.Server.Text;
using Hoard.Storage;

namespace Hoard.Benchmarks;

/// <summary>
/// One request through parse → cache → reply, without sockets: the server's per-request CPU cost.
/// The allocation column must read 0 (tests/Hoard.Server.Tests HotPathAllocationTests checks it too).
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private readonly byte[] _get = Encoding.ASCII.GetBytes("get key:000042\r\n");
    private readonly byte[] _multiGet = Encoding.ASCII.GetBytes("get key:000001 key:000002 key:000003 key:000004 key:000005 key:000006 key:000007 key:000008 key:000009 key:000010\r\n");
    private readonly byte[] _set = Encoding.ASCII.GetBytes("set key:000042 0 0 100\r\n" + new string('v', 100) + "\r\n");
    private CacheEngine _engine = null!;
    private TextCommandHandler _handler = null!;
    private OutputBuffer _output = null!;

    [Params(10_000, 1_000_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new CacheEngine(new CacheOptions { MemoryLimitBytes = 1L << 30 });
        _handler = new TextCommandHandler(new ServerContext(new ServerOptions(), _engine));
        _output = new OutputBuffer();
        var value = new byte[100];
        var request = new StoreRequest { Mode = StoreMode.Set };
        for (int i = 0; i < Items; i++)
            _engine.Store(in request, Encoding.ASCII.GetBytes($"key:{i:D6}"), value, out _);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _output.Dispose();
    }

    [Benchmark]
    public int Get() => Run(_get);

    [Benchmark]
    public int MultiGet10() => Run(_multiGet);

    [Benchmark]
    public int Set() => Run(_set);

    private int Run(byte[] request)
    {
        TextCommandParser.TryParse(request, ParserLimits.Default, out var command, out _);
        int resume = 0;
        _handler.Execute(ref command, _output, ref resume);
        int written = _output.Length;
        _output.Reset();
        return written;
    }
}
