using System.Text.Json.Serialization;
using AgentExec.Core.Audit;
using AgentExec.Core.Audit.Events;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline.AuditRecords;

/// <summary>One simple command of a <see cref="PolicyDecided"/>: what it is, its verdict, and the rule that decided it.</summary>
/// <param name="Text">The part's text; a part can be the whole command line, so it is stored in at most 64 KiB like one.</param>
/// <param name="Program">The program it runs.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Wrappers">The wrappers around it (<c>sudo</c>, <c>env</c>, …).</param>
/// <param name="Depth">How deeply it is nested in other scripts.</param>
/// <param name="Verdict">The part's verdict.</param>
/// <param name="ClassifierReason">Why the classifier judged it as it did.</param>
/// <param name="Rule">The rule that decided it, or null.</param>
public sealed record PolicyDecidedPart(
    [property: JsonPropertyName("text"), JsonConverter(typeof(CommandLineLimit))] string Text,
    [property: JsonPropertyName("program")] string Program,
    [property: JsonPropertyName("arguments")] IReadOnlyList<string> Arguments,
    [property: JsonPropertyName("wrappers")] IReadOnlyList<string> Wrappers,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("classifier_reason")] string ClassifierReason,
    [property: JsonPropertyName("rule")] PolicyDecidedRule? Rule)
{
    /// <summary>The record of one part's evaluation.</summary>
    public static PolicyDecidedPart From(PartEvaluation part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return new PolicyDecidedPart(
            part.Part.Text,
            part.Part.Program,
            [.. part.Part.Arguments],
            [.. part.Part.Wrappers],
            part.Part.Depth,
            part.Verdict.ToCode(),
            part.Part.Reason,
            part.Rule is { } rule ? PolicyDecidedRule.From(rule, part.MatchDoubt) : null);
    }
}
