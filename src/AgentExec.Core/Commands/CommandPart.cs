namespace AgentExec.Core.Commands;

/// <summary>
/// One simple command of a command line, normalised for matching and classified, with the evidence
/// for its verdict.
/// </summary>
/// <param name="Text">The part's source text as it stood in the line (for explanations).</param>
/// <param name="Program">The program's name after normalisation: path reduced to its name, wrappers unwrapped (<c>/usr/bin/env FOO=1 nohup rm</c> → <c>rm</c>).</param>
/// <param name="Arguments">The arguments after the program, unquoted, as the program will see them (dynamic words keep their source text).</param>
/// <param name="Wrappers">Wrappers that were unwrapped, outermost first (<c>sudo</c>, <c>env</c>, <c>timeout</c>…).</param>
/// <param name="Safety">The built-in verdict.</param>
/// <param name="Reason">Why the classifier gave that verdict, in a short phrase (<c>"rm with -r/-f"</c>, <c>"read-only command"</c>, <c>"writes a file through a redirection"</c>).</param>
/// <param name="Depth">0 for the line itself; 1 and more inside nested <c>bash -c</c> scripts or command substitutions.</param>
public sealed record CommandPart(
    string Text,
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Wrappers,
    CommandSafety Safety,
    string Reason,
    int Depth);
