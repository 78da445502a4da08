using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>Keys written to a temporary file, one per line in UTF-8, for the client scripts to read; deleted on dispose.</summary>
public sealed class KeyFile : IDisposable
{
    public KeyFile(IEnumerable<string> keys)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hoard-keys-{Guid.NewGuid():N}.txt");
        File.WriteAllText(Path, string.Join('\n', keys) + "\n", new UTF8Encoding(false));
    }

    public string Path { get; }

    /// <summary>Keys like an application's; every tenth is non-ASCII UTF-8 when <paramref name="nonAscii"/>.</summary>
    public static List<string> Keys(string prefix, int count, bool nonAscii) =>
        Enumerable.Range(0, count)
            .Select(i => nonAscii && i % 10 == 0 ? $"{prefix}ключ-{i}" : $"{prefix}user:{i * 7919 % 100_003}:profile")
            .ToList();

    public void Dispose()
    {
        File.Delete(Path);
        File.Delete(Path + ".hits");
    }
}
