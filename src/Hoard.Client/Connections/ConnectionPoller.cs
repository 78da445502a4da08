using System.Net.Sockets;

namespace Hoard.Client.Connections;

/// <summary>
/// An event loop that drives connections' sockets instead of asynchronous socket calls (the router's front
/// threads). A polled connection's socket is non-blocking and the loop says when it can be read or written, so
/// an upstream server's replies are read on the same thread, in the same round, as the client requests they
/// answer — one thread per loop, no hand-off, as twemproxy and mcrouter's proxy threads work.
/// </summary>
internal interface IConnectionPoller
{
    /// <summary>Starts watching <paramref name="socket"/> (connected, non-blocking) for reading; safe from any thread.</summary>
    IPolledSocket Watch(Socket socket, IPolledConnection connection);
}

/// <summary>What a poller calls on its loop's thread.</summary>
internal interface IPolledConnection
{
    /// <summary>Bytes arrived, the peer closed or the socket failed: read until it would block.</summary>
    void OnReadable();

    /// <summary>The socket takes bytes again after a send would have blocked.</summary>
    void OnWritable();
}

/// <summary>A socket a poller watches.</summary>
internal interface IPolledSocket
{
    /// <summary>Asks for <see cref="IPolledConnection.OnWritable"/> once the socket takes bytes again; safe from any thread.</summary>
    void WaitUntilWritable();

    /// <summary>Stops watching, then closes the socket (on the loop's thread, so its descriptor is not reused while watched); safe from any thread.</summary>
    void Close();
}
