namespace AgentExec.Core.Commands;

/// <summary>A credential location a command could read (<see cref="KnownSafeProof.CredentialRead"/>).</summary>
/// <param name="Location">The path as the line spells it, or why every spelling counts as one.</param>
/// <param name="IsRepositoryCopy">
/// True when what is read is git's committed or staged copy (<c>git show HEAD:.env</c>): an object in the repository,
/// which the sandbox does not hide as it hides the file, so the read is dangerous under every sandbox.
/// </param>
internal readonly record struct CredentialReading(string Location, bool IsRepositoryCopy);
