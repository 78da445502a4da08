using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hoard.Samples.Movies.Caching;

/// <summary>
/// The keys of the catalogue's cached values. A search's text is hashed into its key, so any text (long,
/// spaces, any script) makes a short plain key.
/// </summary>
public sealed class CacheKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    public string Film(int id) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:film:{id}");

    /// <summary>A page of a title search; searches differing only in letter case share a key (the search ignores case).</summary>
    public string Search(string query, int page, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(query);
        string text = query.Length == 0
            ? "all"
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query.ToUpperInvariant())).AsSpan(0, 8));
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}:films:{text}:{pageSize}:{page}");
    }
}
