namespace AgentExec.Core.Assessment;

/// <summary>A rendered prompt: the two messages of the fresh conversation, and the nonce its data fences carry.</summary>
/// <param name="System">The system message (trusted text only).</param>
/// <param name="User">The user message, with every untrusted value fenced.</param>
/// <param name="Nonce">The per-request random nonce of the fences.</param>
internal sealed record AssessmentPrompt(string System, string User, string Nonce);
