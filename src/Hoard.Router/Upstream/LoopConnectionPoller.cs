using System.Net.Sockets;
using Hoard.Client.Connections;
using Hoard.Server.Network.Epoll;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Router.Upstream;

/// <summary>
/// Puts upstream connections on the router's front event loops (in turn), so the replies of a server are read on
/// a front thread and written back to the clients from there, with no thread between.
/// </summary>
internal sealed class LoopConnectionPoller(IReadOnlyList<EpollLoop> loops) : IConnectionPoller
{
    private int _next;

    public IPolledSocket Watch(Socket socket, IPolledConnection connection)
    {
        var loop = loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Count)];
        var watched = new WatchedSocket(socket, connection, loop);
        loop.Post(static state => ((WatchedSocket)state!).Register(), watched);
        return watched;
    }

    /// <summary>One upstream socket on a loop. Everything but the two requests runs on the loop's thread.</summary>
    private sealed class WatchedSocket(Socket socket, IPolledConnection connection, EpollLoop loop) : IEpollSocket, IPolledSocket
    {
        private const uint Readable = EPOLLIN | EPOLLRDHUP;

        private readonly EpollLoop _loop = loop;
        private bool _registered;
        private bool _watchingWritable;
        private int _closeRequested;

        public int Descriptor { get; } = (int)socket.SafeHandle.DangerousGetHandle();

        public void Register()
        {
            if (Volatile.Read(ref _closeRequested) != 0 || _loop.IsStopping || !_loop.Add(this, Readable))
            {
                socket.Dispose();
                return;
            }
            _registered = true;
            // Replies may have arrived before the socket was watched; level-triggered epoll reports them anyway.
        }

        public void OnEvents(uint events)
        {
            if ((events & EPOLLOUT) != 0)
            {
                // One-shot: the connection asks again if its next send would block too.
                _watchingWritable = false;
                _loop.Watch(this, Readable);
                connection.OnWritable();
            }
            // Errors and hang-ups too: the receive reports them and the connection breaks.
            if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0)
                connection.OnReadable();
        }

        public void WaitUntilWritable() => _loop.Post(static state =>
        {
            var watched = (WatchedSocket)state!;
            if (!watched._registered || watched._watchingWritable)
                return;
            watched._watchingWritable = true;
            watched._loop.Watch(watched, Readable | EPOLLOUT);
        }, this);

        void IPolledSocket.Close()
        {
            if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
                return;
            _loop.RunOnLoop(static state => ((WatchedSocket)state!).Release(), this);
        }

        /// <summary>The loop stops.</summary>
        void IEpollSocket.Close()
        {
            Interlocked.Exchange(ref _closeRequested, 1);
            Release();
        }

        private void Release()
        {
            if (_registered)
            {
                _loop.Remove(this);
                _registered = false;
            }
            socket.Dispose();
        }
    }
}
