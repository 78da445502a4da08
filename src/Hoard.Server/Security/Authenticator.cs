using Microsoft.Extensions.Logging;

namespace Hoard.Server.Security;

/// <summary>
/// Checks credentials for every connection of a server against the current password file, which
/// <see cref="Reload"/> replaces (SIGHUP) without disturbing connections already authenticated. Counts
/// attempts for <c>stats</c> (<c>auth_cmds</c>, <c>auth_errors</c>); never logs a password.
/// </summary>
public sealed class Authenticator
{
    private readonly ServerContext _context;
    private CredentialFile _credentials;

    /// <summary>Loads <paramref name="path"/>; throws when it cannot be used, so a server never starts open by mistake.</summary>
    public Authenticator(ServerContext context, string path)
    {
        _context = context;
        _credentials = CredentialFile.Load(path);
    }

    public string Path => Volatile.Read(ref _credentials).Path;

    /// <summary>Checks a user and password, counting the attempt.</summary>
    public bool Verify(ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        bool ok = Volatile.Read(ref _credentials).Verify(user, password);
        _context.Statistics.AddAuthAttempt(ok);
        if (!ok && _context.Logger.IsEnabled(LogLevel.Information))
        {
            string name = System.Text.Encoding.UTF8.GetString(user);
            Log.AuthenticationFailed(_context.Logger, name);
        }
        return ok;
    }

    /// <summary>
    /// Re-reads the password file. On error the previous users stay in force and the error is returned
    /// (and logged); a broken edit must not lock every client out or let every client in.
    /// </summary>
    public string? Reload()
    {
        string path = Path;
        try
        {
            var loaded = CredentialFile.Load(path);
            Volatile.Write(ref _credentials, loaded);
            Log.CredentialsReloaded(_context.Logger, path, loaded.Count);
            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.CredentialsReloadFailed(_context.Logger, path, ex.Message);
            return ex.Message;
        }
    }
}
