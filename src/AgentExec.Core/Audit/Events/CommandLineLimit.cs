namespace AgentExec.Core.Audit.Events;

/// <summary>Bounds a whole command line to <see cref="AuditFieldLimit.CommandLineBytes"/> (64 KiB).</summary>
internal sealed class CommandLineLimit() : BoundedTextConverter(AuditFieldLimit.CommandLineBytes);
