namespace AgentExec.Core.Commands;

/// <summary>
/// Bookkeeping shared by every lexer and parser working on one command line, nested scripts included:
/// the constructs seen, the first reason the line cannot be fully understood, and a guard on nesting.
/// </summary>
internal sealed class ParseState
{
    /// <summary>
    /// How deeply the parser may recurse (subshells, groups and substitutions inside each other) before it
    /// gives up: a guard for the call stack, far above anything a real command line needs.
    /// </summary>
    public const int MaxNesting = 64;

    private readonly List<string> constructs = [];
    private readonly List<string> assignedNames = [];

    /// <summary>The constructs seen so far, each once, in the order first seen.</summary>
    public IReadOnlyList<string> Constructs => constructs;

    /// <summary>
    /// The names the line assigns outside any simple command's own words, as written: <c>for NAME in …</c>,
    /// <c>select NAME in …</c>, <c>coproc NAME …</c> and a named descriptor <c>{NAME}&gt;…</c> (which holds its number).
    /// </summary>
    public IReadOnlyList<string> AssignedNames => assignedNames;

    /// <summary>The first reason the line could not be fully accounted for, or null.</summary>
    public string? UnknownReason { get; private set; }

    /// <summary>True once the nesting guard tripped: every reader stops and the line is unknown.</summary>
    public bool GaveUp { get; private set; }

    private int nesting;

    /// <summary>Records a construct (<c>&amp;&amp;</c>, <c>$(…)</c>, <c>heredoc</c>…) for explanations.</summary>
    public void Saw(string construct)
    {
        if (!constructs.Contains(construct))
        {
            constructs.Add(construct);
        }
    }

    /// <summary>Records a variable the line assigns outside any simple command's words (<see cref="AssignedNames"/>).</summary>
    public void SawAssignedName(string name) => assignedNames.Add(name);

    /// <summary>Marks the line unknown; the first reason is kept because later ones are often its echoes.</summary>
    public void MarkUnknown(string reason) => UnknownReason ??= reason;

    /// <summary>Enters one level of nesting; false (and the line unknown) when the guard is exceeded.</summary>
    public bool TryEnter()
    {
        if (GaveUp || nesting >= MaxNesting)
        {
            GaveUp = true;
            MarkUnknown("nested too deeply to analyse");
            return false;
        }

        nesting++;
        return true;
    }

    /// <summary>Leaves a level entered with <see cref="TryEnter"/>.</summary>
    public void Leave() => nesting--;
}
