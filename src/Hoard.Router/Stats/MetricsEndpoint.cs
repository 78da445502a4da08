using System.Globalization;
using System.Net;
using System.Text;
using Hoard.Router.Upstream;
using Microsoft.Extensions.Logging;

namespace Hoard.Router.Stats;

/// <summary>
/// The router's figures in Prometheus' text format on <c>http://*:PORT/metrics</c>: the same numbers as
/// <c>stats</c> and <c>stats servers</c>, read when scraped.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<RouterCore> _core;
    private readonly Task _loop;

    private MetricsEndpoint(HttpListener listener, int port, Func<RouterCore> core)
    {
        _listener = listener;
        Port = port;
        _core = core;
        _loop = ServeAsync();
    }

    public int Port { get; }

    public static MetricsEndpoint Start(int port, Func<RouterCore> core, ILogger logger)
    {
        var listener = new HttpListener();
        string prefix = $"http://*:{port}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        string where = $"*:{port}";
        RouterLog.MetricsListening(logger, where);
        return new MetricsEndpoint(listener, port, core);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                if (context.Request.Url?.AbsolutePath != "/metrics")
                {
                    context.Response.StatusCode = 404;
                }
                else
                {
                    var body = Encoding.UTF8.GetBytes(Render(_core()));
                    context.Response.ContentType = "text/plain; version=0.0.4";
                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                }
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Prometheus exposition of the router's stats; numeric stats become <c>hoard_router_NAME</c>.</summary>
    internal static string Render(RouterCore core)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in StatsReport.General(core))
        {
            if (name is "pid" or "time" || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                continue;
            text.Append("hoard_router_").Append(name).Append(' ').Append(value).Append('\n');
        }
        foreach (var (route, count) in core.Statistics.FailoversByRoute)
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_route_failovers{{route=\"{Escape(route)}\"}} {count}\n");
        foreach (var server in core.Registry.Servers)
        {
            string label = $"server=\"{Escape(server.Name)}\"";
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_up{{{label}}} {(server.State == UpstreamState.Up ? 1 : 0)}\n");
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_latency_microseconds{{{label}}} {server.AverageLatencyMicros}\n");
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_in_flight{{{label}}} {server.InFlight}\n");
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_requests_total{{{label}}} {server.Requests}\n");
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_errors_total{{{label}}} {server.Errors}\n");
            text.Append(CultureInfo.InvariantCulture, $"hoard_router_server_tko_total{{{label}}} {server.TkoCount}\n");
        }
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }
}
