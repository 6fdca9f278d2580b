namespace AgentExec.Cli.Terminal;

/// <summary>ANSI styling for the prompt, applied only on an interactive terminal.</summary>
internal static class TerminalText
{
    public const string Reset = "\u001b[0m";
    public const string Bold = "\u001b[1m";
    public const string Red = "\u001b[31m";
    public const string Green = "\u001b[32m";
    public const string Cyan = "\u001b[36m";

    /// <summary>Wraps trusted text (our own words, never escaped input) in a style when the terminal is interactive.</summary>
    public static string Style(this ITerminal terminal, string text, string style) =>
        terminal.IsInteractive ? style + text + Reset : text;
}
