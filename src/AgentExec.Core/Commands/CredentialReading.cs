namespace AgentExec.Core.Commands;

/// <summary>A credential location a command could read (<see cref="KnownSafeProof.CredentialRead"/>).</summary>
/// <param name="Location">The path as the line spells it, or why every spelling counts as one.</param>
/// <param name="IsRepositoryCopy">
/// True when what is read is git's committed or staged copy (<c>git show HEAD:.env</c>): an object in the repository,
/// which the sandbox does not hide as it hides the file, so the read is dangerous under every sandbox.
/// </param>
/// <param name="IsEndlessDevice">
/// True when the location is one of the devices that never end (<see cref="Credentials.CredentialList.EndlessDevices"/>):
/// no secret, but not a read that is known to end, so the part is ordinary, never dangerous for it.
/// </param>
internal readonly record struct CredentialReading(string Location, bool IsRepositoryCopy, bool IsEndlessDevice = false);
