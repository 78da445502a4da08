using System.Diagnostics;
using System.Text;
using Hoard.Client.Tests.Connections;
using Hoard.Client.Values;

namespace Hoard.Client.Tests.Values;

public sealed record Film(int Id, string Title, decimal RentalRate, string[] Actors);

/// <summary>Typed values, compression, and agreement with the Python clients on what flags mean.</summary>
public sealed class TypedValueTests : IAsyncLifetime
{
    private ITestServer _server = null!;
    private HoardClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(ServerKind.Memcached);
        var options = new HoardClientOptions { CompressionThreshold = 1024, OperationTimeout = TimeSpan.FromSeconds(10) };
        options.Servers.Add(_server.Address);
        _client = new HoardClient(options);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Strings_integers_bytes_and_objects_round_trip_with_their_flags()
    {
        await _client.SetValueAsync("s", "héllo");
        await _client.SetValueAsync("i", 42);
        await _client.SetValueAsync("l", long.MaxValue);
        await _client.SetValueAsync("b", new byte[] { 1, 2, 3 });
        var film = new Film(7, "ACADEMY DINOSAUR", 0.99m, ["PENELOPE GUINESS", "CHRISTIAN GABLE"]);
        await _client.SetValueAsync("film", film);

        Assert.Equal("héllo", await _client.GetValueAsync<string>("s"));
        Assert.Equal(42, await _client.GetValueAsync<int>("i"));
        Assert.Equal(long.MaxValue, await _client.GetValueAsync<long>("l"));
        Assert.Equal(new byte[] { 1, 2, 3 }, await _client.GetValueAsync<byte[]>("b"));
        var read = await _client.GetValueAsync<Film>("film");
        Assert.Equal(film.Title, read!.Title);
        Assert.Equal(film.Actors, read.Actors);

        Assert.Equal((uint)ValueEncoding.Text, (await _client.GetAsync("s"))!.Value.Flags);
        Assert.Equal((uint)ValueEncoding.DecimalInteger, (await _client.GetAsync("i"))!.Value.Flags);
        Assert.Equal("42", Encoding.ASCII.GetString((await _client.GetAsync("i"))!.Value.Value.Span));
        Assert.Equal((uint)ValueEncoding.Serialized, (await _client.GetAsync("film"))!.Value.Flags);
        Assert.Equal(default, await _client.GetValueAsync<int>("missing"));
        Assert.Null(await _client.GetValueAsync<Film>("missing"));
    }

    [Fact]
    public async Task Raw_bytes_go_through_SetAsync_and_typed_values_through_SetValueAsync_without_ambiguity()
    {
        ReadOnlyMemory<byte> slice = new byte[] { 9, 8, 7, 6 }.AsMemory(1, 2);
        Assert.True(await _client.SetAsync("slice", slice));
        Assert.Equal(new byte[] { 8, 7 }, (await _client.GetAsync("slice"))!.Value.Value.ToArray());
        Assert.True(await _client.SetValueAsync("typed-slice", slice));
        Assert.Equal(new byte[] { 8, 7 }, await _client.GetValueAsync<byte[]>("typed-slice"));
    }

    [Fact]
    public async Task Large_values_are_compressed_only_when_that_saves_space()
    {
        var text = string.Concat(Enumerable.Repeat("the same sentence again and again. ", 500));
        await _client.SetValueAsync("compressible", text);
        var stored = (await _client.GetAsync("compressible"))!.Value;
        Assert.Equal((uint)(ValueEncoding.Text | ValueEncoding.Compressed), stored.Flags);
        Assert.True(stored.Value.Length < text.Length / 10);
        Assert.Equal(text, await _client.GetValueAsync<string>("compressible"));

        var noise = new byte[4096];
        new Random(1).NextBytes(noise);
        await _client.SetAsync("noise", noise);
        Assert.Equal(0u, (await _client.GetAsync("noise"))!.Value.Flags);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_clear_error()
    {
        await _client.SetValueAsync("word", "not a number");
        var error = await Assert.ThrowsAsync<HoardSerializationException>(async () => await _client.GetValueAsync<int>("word"));
        Assert.Contains("not an integer", error.Message, StringComparison.Ordinal);
        await _client.SetAsync("plain", Encoding.UTF8.GetBytes("{broken json"));
        await Assert.ThrowsAsync<HoardSerializationException>(async () => await _client.GetValueAsync<Film>("plain"));
    }

    [Fact]
    public async Task Python_clients_and_hoard_client_read_each_others_values()
    {
        // python-memcached and pymemcache (pickle_serde) write text, integers and zlib-compressed text.
        string script = $$"""
            import memcache
            from pymemcache.client.base import Client
            from pymemcache import serde
            mc = memcache.Client(['{{_server.Address}}'])
            mc.set('py:text', 'grüße')
            mc.set('py:int', 1234)
            mc.set('py:zip', 'x' * 5000, min_compress_len=100)
            host, port = '{{_server.Address}}'.split(':')
            pm = Client((host, int(port)), serde=serde.pickle_serde)
            pm.set('pm:text', 'from pymemcache')
            print(repr(mc.get('net:text')), repr(mc.get('net:int')), repr(mc.get('net:zip') == 'y' * 5000), repr(pm.get('net:text')))
            """;
        await _client.SetValueAsync("net:text", "from .NET");
        await _client.SetValueAsync("net:int", 99);
        await _client.SetValueAsync("net:zip", new string('y', 5000));
        string output = RunPython(script);
        Assert.Equal("'from .NET' 99 True 'from .NET'", output.Trim());

        Assert.Equal("grüße", await _client.GetValueAsync<string>("py:text"));
        Assert.Equal(1234, await _client.GetValueAsync<int>("py:int"));
        Assert.Equal(new string('x', 5000), await _client.GetValueAsync<string>("py:zip"));
        Assert.Equal("from pymemcache", await _client.GetValueAsync<string>("pm:text"));
    }

    private static string RunPython(string script)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-");
        using var process = Process.Start(info)!;
        process.StandardInput.Write(string.Join('\n', script.Split('\n').Select(l => l.Trim())));
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "python did not finish");
        Assert.True(process.ExitCode == 0, "python failed: " + error);
        return output;
    }
}
