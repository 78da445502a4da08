using System.Text;
using System.Text.RegularExpressions;

namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>
/// A .dockerignore, matched as Docker's builder matches one: patterns are relative to the context root, <c>*</c>
/// and <c>?</c> stay within one path segment, <c>**</c> spans any number of them, a path is excluded when a
/// pattern matches it or one of its parent directories, and a later <c>!pattern</c> re-includes. The last
/// matching pattern decides.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Exception, string Text)> _patterns;

    private DockerIgnore(IReadOnlyList<(Regex, bool, string)> patterns) => _patterns = patterns;

    public static DockerIgnore Load(string path) => Parse(File.ReadAllText(path));

    /// <exception cref="FormatException">A pattern is empty after its <c>!</c>, or contains <c>..</c> (outside the context).</exception>
    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool, string)>();
        int lineNumber = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            bool exception = line.StartsWith('!');
            var pattern = (exception ? line[1..] : line).Trim().Trim('/');
            if (pattern.Length == 0)
                throw new FormatException($".dockerignore line {lineNumber}: '{line}' names nothing");
            if (pattern.Split('/').Contains(".."))
                throw new FormatException($".dockerignore line {lineNumber}: '{line}' reaches outside the build context");
            patterns.Add((ToRegex(pattern), exception, line));
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>Whether <paramref name="relativePath"/> (forward slashes, from the context root) is left out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = relativePath.Trim('/');
        var candidates = new List<string>();
        var segments = path.Split('/');
        for (int i = 1; i <= segments.Length; i++)
            candidates.Add(string.Join('/', segments.Take(i)));

        bool excluded = false;
        foreach (var (pattern, exception, _) in _patterns)
        {
            if (candidates.Any(c => pattern.IsMatch(c)))
                excluded = !exception;
        }
        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more directories; "**" at the end matches everything below.
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }
}
