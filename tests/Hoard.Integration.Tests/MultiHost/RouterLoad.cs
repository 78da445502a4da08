using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// A steady load from the client host through the router: a few workers, each on its own connection, one
/// request at a time (nine gets to one set, of the key's own value so a hit is always checkable), a short
/// pause between requests so the load is steady rather than saturating a small machine. Every request is
/// recorded with its start time on the test's clock, so what happened when can be checked afterwards.
/// </summary>
public sealed class RouterLoad : IDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(2);

    private readonly NetworkHost _client;
    private readonly IPEndPoint _router;
    private readonly IReadOnlyList<LoadKey> _keys;
    private readonly Stopwatch _clock;
    private readonly TimeSpan _replyLimit;
    private readonly List<Thread> _workers = [];
    private readonly List<List<LoadSample>> _samples = [];
    private volatile bool _stopping;
    private string? _firstUnexpected;

    private RouterLoad(NetworkHost client, IPEndPoint router, IReadOnlyList<LoadKey> keys, Stopwatch clock, TimeSpan replyLimit)
    {
        _client = client;
        _router = router;
        _keys = keys;
        _clock = clock;
        _replyLimit = replyLimit;
    }

    /// <summary>The first reply that fit no outcome, for the failure message.</summary>
    public string? FirstUnexpected => Volatile.Read(ref _firstUnexpected);

    /// <summary>
    /// Starts <paramref name="workers"/> workers on <paramref name="client"/> sending to <paramref name="router"/>.
    /// A worker gives up on a reply after <paramref name="replyLimit"/> (recorded as <see cref="LoadOutcome.Broken"/>) and reconnects.
    /// </summary>
    public static RouterLoad Start(NetworkHost client, IPEndPoint router, IReadOnlyList<LoadKey> keys, int workers, Stopwatch clock, TimeSpan replyLimit)
    {
        var load = new RouterLoad(client, router, keys, clock, replyLimit);
        for (int i = 0; i < workers; i++)
        {
            var samples = new List<LoadSample>(64 * 1024);
            load._samples.Add(samples);
            int seed = i;
            var thread = new Thread(() => load.Run(seed, samples)) { IsBackground = true, Name = "router load " + i.ToString(CultureInfo.InvariantCulture) };
            load._workers.Add(thread);
            thread.Start();
        }
        return load;
    }

    /// <summary>Stops the workers (each finishes its request in flight) and returns every request, in start order.</summary>
    public IReadOnlyList<LoadSample> Stop()
    {
        _stopping = true;
        foreach (var worker in _workers)
        {
            if (!worker.Join(_replyLimit + TimeSpan.FromSeconds(10)))
                throw new TimeoutException($"load worker {worker.Name} did not stop");
        }
        return [.. _samples.SelectMany(s => s).OrderBy(s => s.Started)];
    }

    public void Dispose() => _stopping = true;

    private void Run(int seed, List<LoadSample> samples)
    {
        var random = new Random(seed);
        TextClient? connection = null;
        try
        {
            while (!_stopping)
            {
                var key = _keys[random.Next(_keys.Count)];
                bool isGet = random.Next(10) != 0;
                var started = _clock.Elapsed;
                LoadOutcome outcome;
                try
                {
                    connection ??= Connect();
                    outcome = isGet ? Get(connection, key) : Set(connection, key);
                    if (outcome == LoadOutcome.Unexpected)
                    {
                        // After a reply it does not understand, the stream's place is lost.
                        connection.Dispose();
                        connection = null;
                    }
                }
                catch (Exception e) when (e is TimeoutException or EndOfStreamException or SocketException or IOException)
                {
                    outcome = LoadOutcome.Broken;
                    connection?.Dispose();
                    connection = null;
                }
                samples.Add(new LoadSample(started, _clock.Elapsed - started, key.Owner, isGet, outcome));
                Thread.Sleep(Pause);
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private TextClient Connect()
    {
        var connection = NetworkNamespace.Connect(_client, _router.Address, _router.Port);
        connection.Timeout = _replyLimit;
        return connection;
    }

    private LoadOutcome Get(TextClient connection, LoadKey key)
    {
        connection.Send($"get {key.Key}\r\n");
        string line = connection.ReadLine();
        if (line == "END")
            return LoadOutcome.Miss;
        if (line.StartsWith("SERVER_ERROR", StringComparison.Ordinal))
            return LoadOutcome.ServerError;
        var parts = line.Split(' ');
        if (parts.Length != 4 || parts[0] != "VALUE" || parts[1] != key.Key || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            return Unexpected(line);
        string value = TextClient.Text(connection.ReadExact(length));
        connection.ReadExact(2);
        string end = connection.ReadLine();
        if (end != "END")
            return Unexpected(end);
        return value == key.Value ? LoadOutcome.Hit : LoadOutcome.WrongValue;
    }

    private LoadOutcome Set(TextClient connection, LoadKey key)
    {
        string line = connection.Store("set", key.Key, key.Value);
        if (line == "STORED")
            return LoadOutcome.Stored;
        if (line.StartsWith("SERVER_ERROR", StringComparison.Ordinal))
            return LoadOutcome.ServerError;
        return Unexpected(line);
    }

    private LoadOutcome Unexpected(string line)
    {
        Interlocked.CompareExchange(ref _firstUnexpected, line, null);
        return LoadOutcome.Unexpected;
    }
}
