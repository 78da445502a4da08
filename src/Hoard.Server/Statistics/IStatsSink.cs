namespace Hoard.Server.Statistics;

/// <summary>
/// Receives stats as name/value pairs from <see cref="StatsReporter"/>, which holds the one list of names and
/// values; each protocol formats them its own way (text lines, binary packets).
/// </summary>
public interface IStatsSink
{
    void Stat(string name, long value);

    void Stat(string name, string value);
}
