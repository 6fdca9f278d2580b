namespace AgentExec.Core.Sandbox;

/// <summary>
/// What the launcher will enforce for its options on a kernel with a given Landlock ABI: the handled rights, the rules,
/// and what the seccomp filter must add. Pure, so the decisions can be tested without a kernel.
/// </summary>
/// <param name="Abi">The ABI used: the kernel's, capped by the options' limit and by what this code knows.</param>
/// <param name="Handled">What the ruleset restricts.</param>
/// <param name="Grants">What the rules give back.</param>
/// <param name="RefuseNonLocalSockets">The network is off: seccomp refuses every socket but Unix and netlink ones.</param>
/// <param name="RefuseReadOnlyTruncation">The ABI predates the truncate right: seccomp refuses path-based truncation.</param>
internal sealed record LandlockPolicy(
    int Abi,
    LandlockRulesetAttr Handled,
    IReadOnlyList<LandlockGrant> Grants,
    bool RefuseNonLocalSockets,
    bool RefuseReadOnlyTruncation)
{
    /// <summary>
    /// The network is off and the ABI predates <see cref="LandlockRights.ResolveUnix"/>: seccomp refuses Unix sockets too.
    /// </summary>
    /// <remarks>
    /// Before ABI 9 Landlock cannot tell a host's socket by path (Docker's, D-Bus's, an ssh-agent's, the diagnostic
    /// socket of the <c>dotnet</c> process that started AgentExec) from one the command made itself, and connecting to
    /// the first kind is an escape. With the network off nothing else gives a reason to allow <c>socket(AF_UNIX)</c>;
    /// <c>socketpair</c>, a separate system call that reaches nobody, still works. From ABI 9 the ruleset restricts
    /// paths and abstract sockets are scoped (ABI 6), so Unix sockets are allowed again.
    /// </remarks>
    public bool RefuseUnixSockets => RefuseNonLocalSockets && Abi < LandlockRights.ResolveUnixAbi;

    // Devices every shell script writes to (`> /dev/null`) and that change nothing on the host.
    private static readonly string[] HarmlessDevices = ["/dev/null", "/dev/zero", "/dev/full"];

    // Devices that are only read. Nothing else in /dev is even readable: /dev/pts/* and /dev/tty* are the user's
    // terminals (an attack read what the human typed, approval answers included, from /dev/pts/0), /dev/shm is shared
    // with the host's other processes. /dev/stdin, /dev/fd/N and their kin lead through /proc to the command's own files.
    private static readonly string[] ReadableDevices = ["/dev/random", "/dev/urandom"];

    /// <summary>The policy for <paramref name="options"/> on a kernel reporting <paramref name="kernelAbi"/> (at least 1).</summary>
    /// <param name="options">The launcher's options.</param>
    /// <param name="kernelAbi">The kernel's Landlock ABI.</param>
    /// <param name="rootEntries">The entries of <c>/</c> (path, and whether it is a directory); read from the disk when null.</param>
    public static LandlockPolicy For(LandlockLaunchOptions options, int kernelAbi, IReadOnlyList<(string Path, bool IsDirectory)>? rootEntries = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelAbi, 1);
        var abi = Math.Min(Math.Min(kernelAbi, options.AbiLimit ?? LandlockRights.NewestKnownAbi), LandlockRights.NewestKnownAbi);
        var everything = LandlockRights.FileSystem(abi);

        // Everything is readable but /dev: each entry of / is granted on its own, which leaves /dev out.
        var grants = (rootEntries ?? ReadRootEntries())
            .Where(entry => entry.Path != "/dev")
            .Select(entry => new LandlockGrant(entry.Path, entry.IsDirectory ? LandlockRights.ReadAndExecute : LandlockRights.ReadAndExecute & LandlockRights.ApplicableToFiles, entry.IsDirectory, IfPresent: true))
            .ToList();
        var deviceAccess = LandlockRights.ReadFile | LandlockRights.WriteFile | (everything & (LandlockRights.Truncate | LandlockRights.IoctlDev));
        grants.AddRange(HarmlessDevices.Select(device => new LandlockGrant(device, deviceAccess, IsDirectory: false)));
        grants.AddRange(ReadableDevices.Select(device => new LandlockGrant(device, LandlockRights.ReadFile, IsDirectory: false)));
        // What becomes writable is opened without following links: the paths are real paths, and a link in one now was
        // put there by a command (LandlockRuleset.AllowDirectoryWithoutLinks).
        grants.AddRange(options.WritableRoots.Select(root => new LandlockGrant(root, everything, IsDirectory: true, WithoutLinks: true)));
        if (options.TemporaryDirectory is { } temporaryDirectory)
        {
            grants.Add(new LandlockGrant(temporaryDirectory, everything, IsDirectory: true, WithoutLinks: true));
        }

        var handled = new LandlockRulesetAttr
        {
            HandledAccessFs = everything,
            HandledAccessNet = LandlockRights.Network(abi, options.NetworkAllowed),
            Scoped = LandlockRights.Scopes(abi),
        };
        return new LandlockPolicy(abi, handled, grants, RefuseNonLocalSockets: !options.NetworkAllowed, RefuseReadOnlyTruncation: abi < 3);
    }

    // What / holds now (a link counts as what it leads to: /bin -> usr/bin is a directory). Not readable: nothing runs.
    private static List<(string Path, bool IsDirectory)> ReadRootEntries()
    {
        try
        {
            return [.. Directory.EnumerateFileSystemEntries("/").Select(path => (path, Directory.Exists(path)))];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LandlockSetupException($"cannot list / to grant read access to it: {exception.Message}");
        }
    }
}
