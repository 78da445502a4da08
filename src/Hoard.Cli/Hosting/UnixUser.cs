using System.Runtime.InteropServices;

namespace Hoard.Cli.Hosting;

/// <summary>A local account, found by name, that the server can become after binding its ports (<c>-u</c>).</summary>
internal sealed record UnixUser(string Name, uint UserId, uint GroupId)
{
    /// <summary>Whether this process runs as root, the only case where <c>-u</c> does anything (as in memcached).</summary>
    public static bool ProcessIsRoot => LibC.GetEffectiveUserId() == 0;

    /// <summary>Looks <paramref name="name"/> up in the password database; null when there is no such user.</summary>
    public static UnixUser? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var size = 16 * 1024;
        while (true)
        {
            var buffer = Marshal.AllocHGlobal(size);
            try
            {
                var error = LibC.GetPasswordEntryByName(name, out var entry, buffer, (nuint)size, out var found);
                const int RangeError = 34; // ERANGE: the buffer was too small for this entry.
                if (error == RangeError && size < 1024 * 1024)
                {
                    size *= 4;
                    continue;
                }

                if (error != 0) throw new InvalidOperationException($"looking up user '{name}' failed: errno {error}");
                return found == IntPtr.Zero ? null : new UnixUser(name, entry.UserId, entry.GroupId);
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    /// <summary>
    /// Becomes this user for good: supplementary groups, then group, then user (the other order would leave
    /// no right to change the groups). Must be called as root.
    /// </summary>
    public void BecomeForGood()
    {
        if (LibC.InitGroups(Name, GroupId) != 0) throw Failure("initgroups");
        if (LibC.SetGroupId(GroupId) != 0) throw Failure("setgid");
        if (LibC.SetUserId(UserId) != 0) throw Failure("setuid");
    }

    private InvalidOperationException Failure(string call) =>
        new($"failed to assume identity of user '{Name}': {call} failed: {Marshal.GetLastPInvokeErrorMessage()}");
}
