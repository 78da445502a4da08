namespace Hoard.Deploy.Tests.Infrastructure;

/// <summary>Reads flags out of a container's argument list or an exec probe's command.</summary>
public static class CommandLine
{
    /// <summary>The word after the last <paramref name="flag"/>, or null when the flag is absent.</summary>
    public static string? ValueOf(IList<string> arguments, string flag)
    {
        string? value = null;
        for (int i = 0; i < arguments.Count - 1; i++)
        {
            if (arguments[i] == flag)
                value = arguments[i + 1];
        }
        return value;
    }

    /// <summary>Every word after an occurrence of <paramref name="flag"/>.</summary>
    public static IReadOnlyList<string> ValuesOf(IList<string> arguments, string flag)
    {
        var values = new List<string>();
        for (int i = 0; i < arguments.Count - 1; i++)
        {
            if (arguments[i] == flag)
                values.Add(arguments[i + 1]);
        }
        return values;
    }

    public static int IntValueOf(IList<string> arguments, string flag)
    {
        var text = ValueOf(arguments, flag) ?? throw new Xunit.Sdk.XunitException($"{flag} is missing from [{string.Join(", ", arguments)}]");
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException($"{flag} {text} is not a whole number");
    }
}
