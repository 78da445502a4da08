using System.Net;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Integration.Tests.MultiHost;

/// <summary>
/// Opens sockets inside another network namespace from the test process. A socket belongs to the namespace its
/// creating thread was in, for its whole life, whichever thread uses it later; and <c>setns</c> moves only the
/// calling thread. So a short-lived thread joins the namespace, creates and connects the socket, and ends:
/// the test then talks from "another host" over a real route through the bridge, and the rest of the test
/// process stays where it was.
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Runs <paramref name="action"/> on a thread inside namespace <paramref name="name"/> (a name of <c>ip netns</c>).</summary>
    public static T RunInside<T>(string name, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle("/run/netns/" + name, FileMode.Open, FileAccess.Read))
                {
                    if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                        throw new InvalidOperationException($"setns into network namespace {name} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns " + name,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure); // keeps the type: a caller may wait out a SocketException
        return result;
    }

    /// <summary>A text-protocol connection from <paramref name="from"/> to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static TextClient Connect(NetworkHost from, IPAddress address, int port) =>
        RunInside(from.Namespace, () => TextClient.Connect(address, port));

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nsType);
}
