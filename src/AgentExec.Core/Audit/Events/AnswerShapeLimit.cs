namespace AgentExec.Core.Audit.Events;

/// <summary>Bounds a raw answer's shape to <see cref="AuditFieldLimit.AnswerShapeBytes"/> (1 KiB).</summary>
internal sealed class AnswerShapeLimit() : BoundedTextConverter(AuditFieldLimit.AnswerShapeBytes);
