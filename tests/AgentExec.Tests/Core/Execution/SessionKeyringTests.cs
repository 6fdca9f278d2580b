using System.Runtime.InteropServices;
using AgentExec.Core.Execution;

namespace AgentExec.Tests.Core.Execution;

/// <summary>A command does not inherit the session keyring of the thread that starts it (<see cref="SessionKeyring"/>).</summary>
public sealed class SessionKeyringTests
{
    private const string Marker = "AGENTEXEC-SESSION-KEY-MARKER";

    // Searches the session keyring for the key and prints its payload when it can read it (x86_64 numbers).
    private const string ReadSessionKey = """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        key = libc.syscall(250, 10, -3, b"user", b"agentexec-test-session-key", 0)
        if key > 0:
            buffer = ctypes.create_string_buffer(256)
            length = libc.syscall(250, 11, key, buffer, 256)
            print(buffer.raw[:max(length, 0)].decode())
        print("searched")
        """;

    private readonly CommandRunner _runner = new();

    [Fact]
    public async Task A_key_in_the_starting_threads_session_keyring_is_out_of_the_commands_reach()
    {
        // Found by an attack: keyrings are no files, so no mount hides them, and a child inherits its parent's session
        // keyring; a bubblewrap command (as an unprivileged user too) read a key that AgentExec's session keyring held.
        // The thread every command is started from joins a session keyring holding a key, as a login session's would.
        var added = ProcessStartThread.Run(() =>
        {
            var name = Marshal.StringToHGlobalAnsi("agentexec-test-session");
            var type = Marshal.StringToHGlobalAnsi("user");
            var description = Marshal.StringToHGlobalAnsi("agentexec-test-session-key");
            var payload = Marshal.StringToHGlobalAnsi(Marker);
            try
            {
                return Libc.Syscall(X64Syscall.KeyControl, 1, name, 0, 0, 0) < 0 ? -1 : Libc.Syscall(X64Syscall.AddKey, type, description, payload, Marker.Length, -3);
            }
            finally
            {
                foreach (var pointer in new[] { name, type, description, payload })
                {
                    Marshal.FreeHGlobal(pointer);
                }
            }
        });
        Assert.True(added > 0, "the test could not add a key to the start thread's session keyring");

        var result = await _runner.RunAsync(BashSpecs.Argv(["python3", "-c", ReadSessionKey]), null, CancellationToken.None);

        Assert.Equal("searched\n", result.Stdout.Text);
    }

    [Fact]
    public void Where_a_filter_refuses_the_keyrings_to_the_command_as_well_commands_still_start()
    {
        // A container runtime's default seccomp profile refuses keyctl with EPERM. The command inherits that filter, so
        // no keyring is within its reach: the start goes on (it used to stop every command there).
        var answer = OnThreadFilteringKeyControl(onlyJoining: false);

        Assert.Null(answer);
    }

    [Fact]
    public void A_new_session_keyring_refused_while_the_keyrings_stay_reachable_stops_the_start()
    {
        // The join alone refused (a full key quota answers so too), the keyrings still readable: the command would
        // inherit AgentExec's own session keyring, so nothing starts.
        var answer = OnThreadFilteringKeyControl(onlyJoining: true);

        Assert.NotNull(answer);
        Assert.Contains("nothing was started", answer, StringComparison.Ordinal);
    }

    // Runs SessionKeyring on a thread of its own under a seccomp filter that answers EPERM to keyctl (or to its join
    // operation only); the filter and no_new_privs end with the thread.
    private static string? OnThreadFilteringKeyControl(bool onlyJoining)
    {
        const uint returnAllow = 0x7fff0000;
        const uint returnEperm = 0x00050000 | 1;
        var builder = new AgentExec.Core.Sandbox.BpfProgramBuilder()
            .Load(0)
            .JumpIfEqual(X64Syscall.KeyControl, "keyctl")
            .Return(returnAllow)
            .Label("keyctl");
        var program = (onlyJoining ? builder.Load(16).JumpIfEqual(1, "refuse").Return(returnAllow).Label("refuse") : builder)
            .Return(returnEperm)
            .Build();
        string? answer = null;
        var installed = -1;
        var thread = new Thread(() =>
        {
            const int setNoNewPrivileges = 38;
            if (Libc.Syscall(X64Syscall.Prctl, setNoNewPrivileges, 1, 0, 0, 0) != 0)
            {
                return;
            }

            installed = AgentExec.Core.Sandbox.LandlockSeccompFilter.InstallOnCallingThread(program);
            if (installed == 0)
            {
                answer = SessionKeyring.JoinNewOnCallingThread();
            }
        });
        thread.Start();
        thread.Join();
        Assert.True(installed == 0, $"the test's filter could not be installed (errno {installed})");
        return answer;
    }
}
