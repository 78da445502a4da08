using System.Runtime.InteropServices;

namespace Hoard.Cli.Hosting;

/// <summary>The few libc calls .NET has no API for: identity, sessions and descriptor plumbing.</summary>
/// <remarks>
/// glibc's setuid/setgid change the credentials of every thread of the process (it broadcasts the change),
/// which is what a multi-threaded .NET process needs; the raw syscalls would change only the calling thread.
/// </remarks>
internal static partial class LibC
{
    private const string Library = "libc";

    [StructLayout(LayoutKind.Sequential)]
    internal struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint UserId;
        public uint GroupId;
        public IntPtr Gecos;
        public IntPtr HomeDirectory;
        public IntPtr Shell;
    }

    [LibraryImport(Library, EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    [LibraryImport(Library, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GetPasswordEntryByName(string name, out Passwd entry, IntPtr buffer, nuint bufferLength, out IntPtr result);

    [LibraryImport(Library, EntryPoint = "initgroups", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int InitGroups(string user, uint groupId);

    [LibraryImport(Library, EntryPoint = "setgid", SetLastError = true)]
    internal static partial int SetGroupId(uint groupId);

    [LibraryImport(Library, EntryPoint = "setuid", SetLastError = true)]
    internal static partial int SetUserId(uint userId);

    [LibraryImport(Library, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int SetSessionId();

    [LibraryImport(Library, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int oldDescriptor, int newDescriptor);
}
