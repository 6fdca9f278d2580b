namespace AgentExec.Core.Assessment;

/// <summary>One piece of a parsed template part: literal text, or a placeholder to fill.</summary>
/// <param name="Text">The literal text, or the placeholder's name.</param>
/// <param name="IsPlaceholder">True when <paramref name="Text"/> names a placeholder.</param>
internal readonly record struct PromptSegment(string Text, bool IsPlaceholder);
