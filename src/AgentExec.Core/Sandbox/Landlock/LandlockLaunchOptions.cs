namespace AgentExec.Core.Sandbox;

/// <summary>What one launcher run is asked to do: the parsed form of its arguments (see <see cref="LandlockLaunchArguments"/>).</summary>
/// <param name="WritableRoots">Directories the command may change (absolute paths); empty for <c>read-only</c>.</param>
/// <param name="TemporaryDirectory">A fresh directory, writable, that <c>TMPDIR</c> points to; null for none.</param>
/// <param name="NetworkAllowed">False refuses every socket but Unix and netlink ones.</param>
/// <param name="AbiLimit">Use at most this Landlock ABI, as an older kernel would; null for the kernel's own.</param>
/// <param name="Command">The program and its arguments, for example <c>["/usr/bin/bash", "-c", line]</c> (<c>ShellArgv</c>).</param>
internal sealed record LandlockLaunchOptions(
    IReadOnlyList<string> WritableRoots,
    string? TemporaryDirectory,
    bool NetworkAllowed,
    int? AbiLimit,
    IReadOnlyList<string> Command);
