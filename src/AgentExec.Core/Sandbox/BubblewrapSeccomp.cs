using System.Runtime.InteropServices;
using AgentExec.Core.Crypto;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The seccomp filter bubblewrap installs before the command starts (<c>bwrap --seccomp FD</c>): no set-user-ID or
/// set-group-ID mode and no extended attribute (<see cref="LandlockSeccompFilter.ForFileModesOnly"/>), as under Landlock.
/// </summary>
/// <remarks>
/// <para>
/// Inside a writable root a <c>chmod</c> changes the host's file, and the writable mount's <c>nosuid</c> holds only
/// inside the sandbox: a command run as root made a copy of bash set-user-ID in the workspace with no question, and
/// another local user ran it with effective user id 0. Extended attributes carry POSIX ACLs, which would open the user's
/// files to other users.
/// </para>
/// <para>
/// bubblewrap reads the filter from a descriptor, and .NET hands a child none but stdin, stdout and stderr. So bubblewrap
/// is started by <c>/bin/sh</c>, which opens the filter file on descriptor 3 and <c>exec</c>s bubblewrap (same process,
/// so <c>--die-with-parent</c> and the runner's kill still reach it); bubblewrap reads the descriptor to its end and
/// closes it, so the command still gets only stdin, stdout and stderr. The file lies in the user's private state
/// directory (<see cref="WorkspacePlaceholders.StateDirectory"/>: mode 0700, checked, and hidden from every bubblewrap
/// command), named by a digest of its content and written again whenever it is missing or differs. The filter is for x86_64 system calls; on any other
/// architecture nothing is added (docs/sandbox.md says so).
/// </para>
/// </remarks>
internal static class BubblewrapSeccomp
{
    /// <summary>The descriptor <c>/bin/sh</c> opens the filter on for bubblewrap.</summary>
    public const int Descriptor = 3;

    private static readonly Lazy<byte[]> Filter = new(() => MemoryMarshal.AsBytes(LandlockSeccompFilter.ForFileModesOnly().AsSpan()).ToArray());

    // Named by its content, so that servers of different versions sharing the directory never replace each other's.
    private static readonly Lazy<string> FileName = new(() => $"seccomp-file-modes-{Sha256Hash.HexOf(Filter.Value)[..16]}.bpf");

    /// <summary>Whether the filter applies on this machine (x86_64 only).</summary>
    public static bool Applies => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>
    /// The start of the argv: <c>/bin/sh -c 'exec "$@" 3&lt;"$0"' FILTER BWRAP</c>, or just <paramref name="executable"/>
    /// where the filter does not apply. bubblewrap's own options follow, <see cref="Options"/> among them.
    /// </summary>
    /// <param name="executable">The bubblewrap executable.</param>
    /// <param name="stateDirectory">Where the filter file lives; <see cref="WorkspacePlaceholders.StateDirectory"/> except in tests.</param>
    /// <exception cref="IOException">The state directory is not private or the file cannot be written: the command must not run.</exception>
    public static IReadOnlyList<string> Launch(string executable, string? stateDirectory = null) =>
        OperatingSystem.IsLinux() && Applies
            ? ["/bin/sh", "-c", $"exec \"$@\" {Descriptor}<\"$0\"", FilterFile(stateDirectory ?? WorkspacePlaceholders.StateDirectory), executable]
            : [executable];

    /// <summary>bubblewrap's option that reads and installs the filter, or nothing where it does not apply.</summary>
    public static IReadOnlyList<string> Options => Applies ? ["--seccomp", Descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string FilterFile(string directory)
    {
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WorkspacePlaceholders.EnsurePrivate(directory);
        var path = Path.Join(directory, FileName.Value);
        var filter = Filter.Value;
        try
        {
            if (new FileInfo(path) is { Exists: true, LinkTarget: null } file && file.Length == filter.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(filter))
            {
                return path;
            }
        }
        catch (IOException)
        {
            // Unreadable or gone meanwhile: written again below.
        }

        // A fresh file renamed over the name: a reader never sees half a filter, and a link standing there is replaced,
        // not followed.
        var temporary = Path.Join(directory, $"{FileName.Value}.{RandomToken.NewHex()}");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                stream.Write(filter);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }
}
