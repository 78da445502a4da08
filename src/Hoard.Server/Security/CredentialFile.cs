using System.Security.Cryptography;
using System.Text;

namespace Hoard.Server.Security;

/// <summary>
/// The users of a password file: <c>user:password</c> lines, as memcached's <c>-Y</c> auth file and its SASL
/// password database (<c>MEMCACHED_SASL_PWDB</c>) use them. A user may appear on several lines, each password
/// valid, so credentials can be rotated without a moment when neither works. Passwords are kept only as
/// SHA-256 digests and compared in constant time.
/// </summary>
public sealed class CredentialFile
{
    /// <summary>memcached rejects auth files over this size; so does Hoard, so a wrong path (a log file) is caught.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private readonly (byte[] User, byte[] PasswordDigest)[] _entries;

    private CredentialFile(string path, (byte[] User, byte[] PasswordDigest)[] entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    /// <summary>Number of <c>user:password</c> entries.</summary>
    public int Count => _entries.Length;

    /// <summary>Reads and checks a password file.</summary>
    /// <exception cref="InvalidDataException">The file is not a list of <c>user:password</c> lines; the message names the line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CredentialFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"password file {path} does not exist", path);
        if (info.Length > MaxFileBytes)
            throw new InvalidDataException($"password file {path} is larger than {MaxFileBytes} bytes");
        return Parse(path, File.ReadAllBytes(path));
    }

    /// <summary>Parses password file content; <paramref name="path"/> only names it in errors.</summary>
    public static CredentialFile Parse(string path, ReadOnlySpan<byte> content)
    {
        var entries = new List<(byte[], byte[])>();
        int lineNumber = 0;
        while (!content.IsEmpty)
        {
            lineNumber++;
            int newline = content.IndexOf((byte)'\n');
            var line = newline >= 0 ? content[..newline] : content;
            content = newline >= 0 ? content[(newline + 1)..] : [];
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            if (line.IsEmpty)
                continue;
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
                throw new InvalidDataException($"password file {path} line {lineNumber}: expected user:password");
            var user = line[..colon];
            var password = line[(colon + 1)..];
            if (user.IsEmpty)
                throw new InvalidDataException($"password file {path} line {lineNumber}: the user name is empty");
            if (password.IsEmpty)
                throw new InvalidDataException($"password file {path} line {lineNumber}: the password of user '{Encoding.UTF8.GetString(user)}' is empty");
            // A space or control byte cannot be sent through ASCII auth ("user password" data) or SASL PLAIN's NUL separators.
            foreach (byte b in line)
            {
                if (b is <= (byte)' ' or 0x7f)
                    throw new InvalidDataException($"password file {path} line {lineNumber}: user names and passwords cannot contain spaces or control characters");
            }
            entries.Add((user.ToArray(), SHA256.HashData(password)));
        }
        if (entries.Count == 0)
            throw new InvalidDataException($"password file {path} has no user:password lines");
        return new CredentialFile(path, [.. entries]);
    }

    /// <summary>Whether <paramref name="user"/> with <paramref name="password"/> is one of the entries.</summary>
    public bool Verify(ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(password, digest);
        bool match = false;
        // Every entry is compared, so the time taken does not tell which users exist.
        foreach (var (entryUser, entryDigest) in _entries)
            match |= entryUser.AsSpan().SequenceEqual(user) & CryptographicOperations.FixedTimeEquals(entryDigest, digest);
        return match;
    }
}
