using System.Text.RegularExpressions;

namespace AgentExec.Core.Commands;

/// <summary>One redirection of a command (<c>&gt; f</c>, <c>2&gt;&amp;1</c>, <c>&lt;&lt;EOF</c>…), and what it does to files.</summary>
/// <param name="FileDescriptor">The descriptor written before the operator (<c>2</c> in <c>2&gt;f</c>), or null.</param>
/// <param name="Operator">The operator: <c>&lt;</c> <c>&gt;</c> <c>&gt;&gt;</c> <c>&gt;|</c> <c>&lt;&gt;</c> <c>&lt;&amp;</c> <c>&gt;&amp;</c> <c>&amp;&gt;</c> <c>&amp;&gt;&gt;</c> <c>&lt;&lt;</c> <c>&lt;&lt;-</c> <c>&lt;&lt;&lt;</c>.</param>
/// <param name="Target">The word after the operator (the end marker for a here-document).</param>
/// <param name="Heredoc">The here-document body, for <c>&lt;&lt;</c> and <c>&lt;&lt;-</c>.</param>
internal sealed partial record Redirection(int? FileDescriptor, string Operator, ShellWord Target, HeredocBody? Heredoc)
{
    /// <summary>The descriptor the redirection changes (<c>&amp;&gt;</c> changes 1 and 2; 1 is reported).</summary>
    public int Descriptor => FileDescriptor ?? (Operator[0] == '<' ? 0 : 1);

    /// <summary>True when the command's standard input comes from this redirection.</summary>
    public bool FeedsStandardInput => Descriptor == 0 && Operator is "<" or "<<" or "<<-" or "<<<" or "<>";

    /// <summary>True for a here-string (<c>&lt;&lt;&lt; word</c>).</summary>
    public bool IsHereString => Operator == "<<<";

    /// <summary>True for <c>2&gt;&amp;1</c>, <c>&gt;&amp;2</c>, <c>&lt;&amp;3</c>, <c>&gt;&amp;-</c>: descriptors copied or closed, no file opened.</summary>
    public bool IsDuplication => Operator is ">&" or "<&" && Target.IsStatic && DescriptorWord().IsMatch(Target.Value);

    /// <summary>
    /// True when the redirection opens a file for writing; <c>/dev/null</c>, <c>/dev/stdout</c> and
    /// <c>/dev/stderr</c> do not count, nor do descriptor copies. <c>&lt;&gt;</c> counts: it creates the file.
    /// </summary>
    public bool WritesFile => Operator switch
    {
        ">" or ">>" or ">|" or "&>" or "&>>" or "<>" => !WritesHarmlessSink,
        ">&" => !IsDuplication && !WritesHarmlessSink,
        _ => false,
    };

    /// <summary>True when the redirection writes straight to a disk or memory device (<c>&gt; /dev/sda</c>).</summary>
    public bool WritesDiskDevice => WritesFile && Target.IsStatic && DiskDevice().IsMatch(Target.Value);

    private bool WritesHarmlessSink =>
        Target.IsStatic && Target.Value is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/fd/1" or "/dev/fd/2";

    [GeneratedRegex(@"^(?:[0-9]+-?|-)$")]
    private static partial Regex DescriptorWord();

    [GeneratedRegex(@"^/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|md|dm-|loop|sr|mapper/|disk/|mem$|kmem$|port$)")]
    private static partial Regex DiskDevice();
}
