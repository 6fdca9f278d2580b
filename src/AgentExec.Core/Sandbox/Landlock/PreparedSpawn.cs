using System.Runtime.InteropServices;
using System.Text;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// A <c>posix_spawnp</c> call with every argument already in native memory, so that the spawn itself allocates nothing
/// and can run on a thread that Landlock and seccomp have just confined.
/// </summary>
/// <remarks>
/// <c>posix_spawn</c> is the one safe way to start a process from the multi-threaded .NET runtime: glibc runs only
/// async-signal-safe code between its <c>clone(CLONE_VM | CLONE_VFORK)</c> and the <c>execve</c>, where a managed
/// <c>fork()</c> would run runtime code with every other thread gone. The child copies the credentials, seccomp filter
/// and <c>no_new_privs</c> of the calling thread, which is how the confinement reaches the command. It also:
/// stays in the launcher's own session and process group (the launcher made them, with no controlling terminal, so no
/// <c>TIOCSTI</c> into the user's shell; and the group is what a kill ends at once); resets every signal to its default (the runtime ignores <c>SIGPIPE</c>, the launcher ignores the terminal's
/// signals, and an ignored signal would survive <c>execve</c>); and empties the signal mask. The one exception is glibc's
/// own: its <c>posix_spawn</c> leaves its internal signals 32 and 33 (SIGCANCEL, SIGSETXID) ignored in every child, and
/// glibc in the new program installs its handlers for them when it needs them.
/// </remarks>
internal sealed unsafe class PreparedSpawn : IDisposable
{
    // glibc's posix_spawnattr_t is 336 bytes on x86_64 and sigset_t 128; the buffers are larger so that a libc with a
    // bigger layout is not overrun.
    private const int AttributesSize = 1024;
    private const int SignalSetSize = 256;

    // posix_spawnattr_setflags flags (spawn.h).
    private const short SpawnSetSignalDefaults = 0x04;
    private const short SpawnSetSignalMask = 0x08;

    private readonly List<nint> _allocations = [];
    private readonly byte* _file;
    private readonly byte** _argv;
    private readonly byte** _envp;
    private readonly void* _attributes;
    private bool _disposed;

    private PreparedSpawn(IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        try
        {
            _argv = StringArray(argv);
            _envp = StringArray(environment);
            _file = _argv[0];
            _attributes = Allocate(AttributesSize);
            var defaults = Allocate(SignalSetSize);
            var mask = Allocate(SignalSetSize);
            if (Libc.PosixSpawnAttrInit(_attributes) != 0
                || Libc.SigFillSet(defaults) != 0
                || Libc.SigEmptySet(mask) != 0
                || Libc.PosixSpawnAttrSetSigDefault(_attributes, defaults) != 0
                || Libc.PosixSpawnAttrSetSigMask(_attributes, mask) != 0
                || Libc.PosixSpawnAttrSetFlags(_attributes, SpawnSetSignalDefaults | SpawnSetSignalMask) != 0)
            {
                throw new LandlockSetupException("cannot prepare the posix_spawn attributes");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Prepares to run <paramref name="argv"/> (<c>argv[0]</c> looked up on the launcher's <c>PATH</c>) with <paramref name="environment"/> (<c>NAME=value</c> entries).</summary>
    /// <exception cref="LandlockSetupException">The attributes could not be prepared, or a string holds a NUL.</exception>
    public static PreparedSpawn Create(IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        return new PreparedSpawn(argv, environment);
    }

    /// <summary>Starts the process; returns 0 and its id, or the error number (for example ENOENT for a missing program).</summary>
    public int Spawn(out int pid)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int child;
        var error = Libc.PosixSpawnP(&child, _file, null, _attributes, _argv, _envp);
        pid = error == 0 ? child : 0;
        return error;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_attributes is not null)
        {
            // glibc frees nothing here and always succeeds; there is no failure to act on.
            _ = Libc.PosixSpawnAttrDestroy(_attributes);
        }

        foreach (var allocation in _allocations)
        {
            NativeMemory.Free((void*)allocation);
        }
    }

    private byte** StringArray(IReadOnlyList<string> values)
    {
        var array = (byte**)Allocate((values.Count + 1) * sizeof(byte*));
        for (var index = 0; index < values.Count; index++)
        {
            array[index] = NativeString(values[index]);
        }

        array[values.Count] = null;
        return array;
    }

    private byte* NativeString(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new LandlockSetupException("an argument or environment entry contains a NUL character");
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var native = (byte*)Allocate(length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(native, length));
        native[length] = 0;
        return native;
    }

    private void* Allocate(int size)
    {
        var memory = NativeMemory.AllocZeroed((nuint)size);
        _allocations.Add((nint)memory);
        return memory;
    }
}
