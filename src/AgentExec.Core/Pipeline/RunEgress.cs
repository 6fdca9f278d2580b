using System.Text;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;

namespace AgentExec.Core.Pipeline;

/// <summary>
/// The egress proxy of one sandboxed run (SPEC.md "Network allow-list"): a fresh Unix socket in a private directory,
/// the run's gate, the proxy serving the socket, and the pausable timeout the gate stops while it asks. Started before
/// the command, stopped when the command has ended and before its end is recorded, so every decision precedes it.
/// </summary>
/// <remarks>
/// The socket's directory is made by <see cref="Directory.CreateTempSubdirectory(string?)"/> (mode 0700) under the
/// host's temporary directory, which bubblewrap hides from the command (a private <c>/tmp</c>, and the server's
/// <c>$TMPDIR</c> too); only the bridge that the sandbox binds in reaches it. A temporary directory that is the
/// workspace or a writable root (where the command could replace the socket) is refused, as is a path too long for a
/// Unix socket address: the command then does not run.
/// </remarks>
internal sealed class RunEgress : IAsyncDisposable
{
    // sun_path is 108 bytes on Linux, its terminating NUL included.
    private const int MaxSocketPathBytes = 107;

    private readonly string _directory;
    private IAsyncDisposable? _proxy;
    private bool _stopped;

    private RunEgress(string directory, CallEgressGate gate, PausableTimeout timeout)
    {
        _directory = directory;
        Gate = gate;
        Timeout = timeout;
    }

    /// <summary>The host side of the proxy's socket, for <c>SandboxInvocation.EgressSocketPath</c>.</summary>
    public string SocketPath => Path.Combine(_directory, "egress.sock");

    /// <summary>The run's gate, whose decisions the result lists.</summary>
    public CallEgressGate Gate { get; }

    /// <summary>The run's timeout, which the gate pauses while it asks; the runner counts it.</summary>
    public PausableTimeout Timeout { get; }

    /// <summary>Prepares the socket and starts the proxy; a message saying why not when it cannot.</summary>
    public static async Task<(RunEgress? Egress, string? Problem)> StartAsync(
        PipelineDependencies dependencies, PipelineEgress egress, PipelineCall call, PolicyEvaluation evaluation)
    {
        string directory;
        try
        {
            directory = Directory.CreateTempSubdirectory("agentexec-egress-").FullName;
        }
#pragma warning disable CA1031 // No private directory means no proxy, so the command cannot run with its allow-list.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return (null, "The network allow-list's proxy could not be set up (no private temporary directory): " + exception.Message);
        }

        var timeout = new PausableTimeout(dependencies.TimeProvider);
        var run = new RunEgress(directory, new CallEgressGate(dependencies, egress, call, evaluation, timeout), timeout);
        try
        {
            if (Encoding.UTF8.GetByteCount(run.SocketPath) > MaxSocketPathBytes)
            {
                await run.DisposeAsync().ConfigureAwait(false);
                return (null, "The network allow-list's proxy could not be set up: the temporary directory's path is too long for a Unix socket (set TMPDIR to a shorter path).");
            }

            if (IsWritableByTheCommand(directory, dependencies))
            {
                await run.DisposeAsync().ConfigureAwait(false);
                return (null, "The network allow-list's proxy could not be set up: the temporary directory is inside a directory the command may write (set TMPDIR elsewhere).");
            }

            run._proxy = await egress.ProxyHost.StartAsync(run.SocketPath, run.Gate, call.Cancellation).ConfigureAwait(false);
            return (run, null);
        }
#pragma warning disable CA1031 // A proxy that cannot start means the command cannot run with its allow-list: it does not run.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await run.DisposeAsync().ConfigureAwait(false);
            return (null, "The network allow-list's proxy could not be started: " + exception.Message);
        }
    }

    /// <summary>
    /// Ends the run's network: questions still open end, later destinations are refused, and the proxy closes its socket
    /// and connections. Called once the command has ended; safe to call again.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Gate.Close();
        if (_proxy is { } proxy)
        {
            try
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The command has ended; a proxy that fails to close cleanly changes nothing the result says.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Gate.Dispose();
        Timeout.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
#pragma warning disable CA1031 // A leftover empty directory in the private temp folder is harmless; the run's result stands.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static bool IsWritableByTheCommand(string directory, PipelineDependencies dependencies)
    {
        var settings = dependencies.Settings;
        return settings.WritableRoots.Prepend(settings.Workspace).Any(root => RealPath.IsSameOrInside(directory, root));
    }
}
