using System.Text.Json.Nodes;

namespace AgentExec.Core.Audit;

/// <summary>One event to record: its name and its fields, in the order they are written.</summary>
/// <param name="Name">The event name (<c>call_received</c>, <c>policy_decision</c>, …).</param>
/// <param name="Fields">The event's fields; <c>seq</c>, <c>ts</c>, <c>event</c>, <c>prev</c> and <c>hash</c> are added by the log.</param>
public sealed record AuditEvent(string Name, JsonObject Fields);
