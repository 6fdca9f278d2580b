namespace AgentExec.Core.Execution;

/// <summary>Why a request cannot run: the field at fault and what is wrong with it.</summary>
/// <param name="Field">The field at fault; the front end says it in its own words.</param>
/// <param name="Problem">
/// What is wrong, as the rest of a sentence that starts with the field's name (<c>must be between 1 and 3600000 (got
/// 0)</c>); it names no field, so it reads right after any front end's spelling of <paramref name="Field"/>.
/// </param>
public sealed record RequestFieldError(RequestField Field, string Problem);
