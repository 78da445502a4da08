using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hoard.Cli.Stats;

/// <summary>
/// Where the status tables go. On a terminal they are drawn with borders and colour, and a live table is
/// redrawn in place; anywhere else (a pipe, a file, a test's writer) each refresh is printed as plain,
/// whitespace-aligned text after the previous one, so logs and scripts can read it.
/// </summary>
internal sealed class StatusConsole
{
    // Plain output is read by programs, not fitted to a window: wide enough that no column is wrapped.
    private const int PlainWidth = 400;

    private StatusConsole(IAnsiConsole console, bool isLive, TextWriter output)
    {
        Console = console;
        IsLive = isLive;
        Output = output;
    }

    public IAnsiConsole Console { get; }

    /// <summary>True when the output is a terminal: tables are redrawn in place.</summary>
    public bool IsLive { get; }

    public TextWriter Output { get; }

    public TableBorder Border => IsLive ? TableBorder.Rounded : TableBorder.None;

    public static StatusConsole For(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        if (terminal)
            return new StatusConsole(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }), true, output);

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = PlainWidth;
        return new StatusConsole(console, false, output);
    }

    /// <summary>Writes <paramref name="renderable"/> once (a table that is not refreshed).</summary>
    public void Write(IRenderable renderable)
    {
        Console.Write(renderable);
        Output.Flush();
    }

    /// <summary>A line of plain text (markup-free), e.g. a log line.</summary>
    public void WriteLine(string line)
    {
        Console.WriteLine(line);
        Output.Flush();
    }

    /// <summary>
    /// Runs <paramref name="loop"/>, which calls its argument with each new frame: on a terminal the frame
    /// replaces the previous one in place, elsewhere it is printed after it.
    /// </summary>
    public async Task RunAsync(IRenderable first, Func<Action<IRenderable>, Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        if (!IsLive)
        {
            await loop(frame =>
            {
                Console.Write(frame);
                Output.Flush();
            }).ConfigureAwait(false);
            return;
        }

        await Console.Live(first)
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(context => loop(frame =>
            {
                context.UpdateTarget(frame);
                context.Refresh();
            })).ConfigureAwait(false);
    }
}
