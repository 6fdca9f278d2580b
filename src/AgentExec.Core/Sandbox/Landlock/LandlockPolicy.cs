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

    // Devices every shell script writes to (`> /dev/null`) and that change nothing on the host. The rest of /dev stays
    // read-only: /dev/shm is shared with the host and /dev/pts leads to other terminals.
    private static readonly string[] HarmlessDevices = ["/dev/null", "/dev/zero", "/dev/full"];

    /// <summary>The policy for <paramref name="options"/> on a kernel reporting <paramref name="kernelAbi"/> (at least 1).</summary>
    public static LandlockPolicy For(LandlockLaunchOptions options, int kernelAbi)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelAbi, 1);
        var abi = Math.Min(Math.Min(kernelAbi, options.AbiLimit ?? LandlockRights.NewestKnownAbi), LandlockRights.NewestKnownAbi);
        var everything = LandlockRights.FileSystem(abi);

        var grants = new List<LandlockGrant> { new("/", LandlockRights.ReadAndExecute, IsDirectory: true) };
        var deviceAccess = LandlockRights.ReadFile | LandlockRights.WriteFile | (everything & (LandlockRights.Truncate | LandlockRights.IoctlDev));
        grants.AddRange(HarmlessDevices.Select(device => new LandlockGrant(device, deviceAccess, IsDirectory: false)));
        grants.AddRange(options.WritableRoots.Select(root => new LandlockGrant(root, everything, IsDirectory: true)));
        if (options.TemporaryDirectory is { } temporaryDirectory)
        {
            grants.Add(new LandlockGrant(temporaryDirectory, everything, IsDirectory: true));
        }

        var handled = new LandlockRulesetAttr
        {
            HandledAccessFs = everything,
            HandledAccessNet = LandlockRights.Network(abi, options.NetworkAllowed),
            Scoped = LandlockRights.Scopes(abi),
        };
        return new LandlockPolicy(abi, handled, grants, RefuseNonLocalSockets: !options.NetworkAllowed, RefuseReadOnlyTruncation: abi < 3);
    }
}
