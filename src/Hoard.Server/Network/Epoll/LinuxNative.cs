using System.Runtime.InteropServices;

namespace Hoard.Server.Network.Epoll;

/// <summary>The few libc calls the epoll transport needs (Linux, x86-64 layout of epoll_event).</summary>
internal static unsafe partial class LinuxNative
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int MSG_NOSIGNAL = 0x4000;

    /// <summary>The kernel's epoll_event is packed on x86-64: 4 bytes of events, 8 bytes of data.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 12)]
    public struct EpollEvent
    {
        [FieldOffset(0)]
        public uint Events;

        [FieldOffset(4)]
        public ulong Data;
    }

    /// <summary>True where this transport's struct layout is right and the calls exist.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>What <see cref="SendPending"/> did.</summary>
    public enum SendOutcome
    {
        /// <summary>Everything went out.</summary>
        Sent,

        /// <summary>The socket's buffer is full: wait for <c>EPOLLOUT</c>.</summary>
        WouldBlock,

        /// <summary>The connection failed (reset, broken pipe): close it.</summary>
        Failed,
    }

    /// <summary>
    /// Sends <paramref name="pending"/> from <paramref name="offset"/> on a non-blocking socket until all of it went
    /// out or the socket would block; <paramref name="offset"/> moves past what was sent. No SIGPIPE on a closed peer.
    /// </summary>
    public static SendOutcome SendPending(int descriptor, ReadOnlySpan<byte> pending, ref int offset)
    {
        while (offset < pending.Length)
        {
            nint sent;
            fixed (byte* buffer = pending)
                sent = Send(descriptor, buffer + offset, (nuint)(pending.Length - offset), MSG_NOSIGNAL);
            if (sent >= 0)
            {
                offset += (int)sent;
                continue;
            }
            int error = Marshal.GetLastPInvokeError();
            if (error == EINTR)
                continue;
            return error == EAGAIN ? SendOutcome.WouldBlock : SendOutcome.Failed;
        }
        return SendOutcome.Sent;
    }

    /// <summary>What <see cref="ReceiveInto"/> found.</summary>
    public enum ReceiveOutcome
    {
        /// <summary>Bytes arrived.</summary>
        Data,

        /// <summary>The peer finished sending (FIN).</summary>
        EndOfStream,

        /// <summary>Nothing to read now: wait for <c>EPOLLIN</c>.</summary>
        WouldBlock,

        /// <summary>The connection failed (reset): close it.</summary>
        Failed,
    }

    /// <summary>One non-blocking receive into <paramref name="into"/> (retried when a signal interrupts it).</summary>
    public static ReceiveOutcome ReceiveInto(int descriptor, Span<byte> into, out int received)
    {
        while (true)
        {
            nint count;
            fixed (byte* buffer = into)
                count = Recv(descriptor, buffer, (nuint)into.Length, 0);
            if (count > 0)
            {
                received = (int)count;
                return ReceiveOutcome.Data;
            }
            received = 0;
            if (count == 0)
                return ReceiveOutcome.EndOfStream;
            int error = Marshal.GetLastPInvokeError();
            if (error != EINTR)
                return error == EAGAIN ? ReceiveOutcome.WouldBlock : ReceiveOutcome.Failed;
        }
    }
}
