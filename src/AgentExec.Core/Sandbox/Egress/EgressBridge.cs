using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AgentExec.Core.Execution;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The egress-bridge mode of the <c>agentexec</c> binary: <c>agentexec __egress-bridge SOCKET -- PROGRAM [ARG]…</c>
/// runs inside the bubblewrap sandbox of a call with a network allow-list (SPEC.md "Network allow-list"). It listens on
/// a loopback port of the sandbox's private network namespace, runs the command with the proxy variables naming that
/// port, relays every connection to the call's egress proxy through the Unix socket <c>SOCKET</c>, and exits with the
/// command's status. <see cref="BubblewrapSandbox"/> builds these command lines; <c>Program.cs</c> dispatches here
/// before anything else starts, because every sandboxed call with an allow-list pays this start-up.
/// </summary>
/// <remarks>
/// <para>The protocol, strictly: the verb, one absolute socket path, <c>--</c>, then the command (at least a program).
/// Anything else exits <see cref="UsageExitCode"/>, having run nothing.</para>
/// <para>The sequence:</para>
/// <list type="number">
/// <item>Restore <c>SIGCHLD</c> to its default: an ignored one would make the kernel reap the command's status away.</item>
/// <item>Listen on <c>127.0.0.1:0</c> and learn the port. The namespace's loopback is the sandbox's own (bubblewrap
/// brings <c>lo</c> up in it); nothing on the host can reach it, and the command reaches nothing else.</item>
/// <item>Start the command (<see cref="PreparedSpawn"/>: stdio inherited, a new session, every signal at its default,
/// an empty mask) with this process's environment, where the proxy variables (<see cref="ProxyVariables"/>) are
/// <c>http://127.0.0.1:PORT</c> and <c>NO_PROXY</c>/<c>no_proxy</c> are <see cref="LoopbackHosts"/>, whatever was
/// inherited. Every descriptor above stderr is marked close-on-exec first, so neither the listening socket nor anything
/// inherited reaches the command.</item>
/// <item>Relay connections (<see cref="EgressRelay"/>) while waiting for the command; when it ends, exit with its code,
/// or 128+N when signal N ended it (as the Landlock launcher and bubblewrap report it). Exiting closes every
/// connection.</item>
/// </list>
/// <para>
/// No process is left behind, because the bridge does not have to see to it: it is the main process of bubblewrap's PID
/// namespace, so when it exits — the command ended, or something killed it — bubblewrap's init exits and the kernel
/// kills everything left in the namespace; a timeout or cancellation kills bubblewrap and with it the namespace. The
/// command can kill or stop the bridge (same user, same namespace), which only cuts its own way out.
/// </para>
/// <para>
/// Lean on purpose: no command-line library, logging, dependency injection or <c>System.Console</c> (which would install
/// the runtime's own <c>SIGCHLD</c> handling and reap the command behind the bridge's back). Messages go straight to
/// file descriptor 2, starting with <see cref="MessagePrefix"/>.
/// </para>
/// </remarks>
internal static unsafe class EgressBridge
{
    /// <summary>The first argument that selects bridge mode. Not a subcommand: <c>--help</c> does not list it.</summary>
    public const string Verb = "__egress-bridge";

    /// <summary>How every message of the bridge starts, so that callers can tell its failures from the command's.</summary>
    public const string MessagePrefix = "agentexec egress bridge: ";

    /// <summary>The arguments broke the protocol; nothing was run (the Landlock launcher's code for the same).</summary>
    public const int UsageExitCode = 121;

    /// <summary>The bridge could not be set up (no loopback, the command could not start); nothing was run.</summary>
    public const int SetupFailedExitCode = 125;

    /// <summary>What <c>NO_PROXY</c> names: the namespace's own loopback, which is the sandbox's and not the host's.</summary>
    public const string LoopbackHosts = "localhost,127.0.0.1,::1";

    /// <summary>The variables that name the proxy, upper- and lower-case, as curl, Python, Go and Node read them.</summary>
    public static readonly IReadOnlyList<string> ProxyVariables = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];

    /// <summary>The variables that exempt hosts from the proxy.</summary>
    public static readonly IReadOnlyList<string> NoProxyVariables = ["NO_PROXY", "no_proxy"];

    // SIGCHLD on x86_64 and the generic ABI; SIG_DFL.
    private const int SignalChild = 17;
    private const nint SignalDefault = 0;

    /// <summary>How many connections wait to be accepted before the kernel refuses more.</summary>
    private const int ListenBacklog = 128;

    /// <summary>True when <paramref name="args"/> asks for bridge mode.</summary>
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>Runs bridge mode with the process's arguments (the verb first); returns the exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!TryParse(args, out var socketPath, out var command, out var usageError))
        {
            Report($"usage error: {usageError}. Nothing was run.");
            return UsageExitCode;
        }

        Socket listener;
        try
        {
            if (Libc.Signal(SignalChild, SignalDefault) == Libc.SignalError)
            {
                throw new IOException($"cannot restore SIGCHLD: {Libc.Describe(Libc.LastError)}");
            }

            listener = Listen();
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            Report($"{exception.Message}. Nothing was run.");
            return SetupFailedExitCode;
        }

        using (listener)
        {
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            if (StartCommand(command, CommandEnvironment(port)) is not { } commandPid)
            {
                return SetupFailedExitCode;
            }

            _ = EgressRelay.AcceptAsync(listener, socketPath);
            var status = WaitFor(commandPid);

            // Disposing the listener ends the accept loop; returning ends the process and with it every relayed
            // connection, half-open ones included: nothing in the sandbox is left to use them.
            return status is { } ended ? DescendantReaper.ExitCode(ended) : SetupFailedExitCode;
        }
    }

    /// <summary>Reads <c>VERB SOCKET -- PROGRAM [ARG]…</c>; anything else is refused with the reason.</summary>
    internal static bool TryParse(string[] args, out string socketPath, out string[] command, out string error)
    {
        socketPath = string.Empty;
        command = [];
        if (args.Length < 4 || args[0] != Verb || args[2] != "--")
        {
            error = $"expected `{Verb} SOCKET -- PROGRAM [ARG]...`";
            return false;
        }

        if (!Path.IsPathFullyQualified(args[1]) || args[1].Contains('\0', StringComparison.Ordinal))
        {
            error = "the socket path must be absolute";
            return false;
        }

        if (args[3].Length == 0)
        {
            error = "the program name is empty";
            return false;
        }

        socketPath = args[1];
        command = args[3..];
        error = string.Empty;
        return true;
    }

    /// <summary>The environment the command gets: this process's own, with the proxy variables set to <paramref name="port"/>.</summary>
    internal static List<string> CommandEnvironment(int port)
    {
        var proxy = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        var environment = new List<string>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;

            // Any spelling of a proxy variable goes, not only the two each tool reads: the stricter reading, so that
            // no inherited proxy setting survives beside the bridge's.
            if (!IsProxyVariable(name))
            {
                environment.Add($"{name}={variable.Value}");
            }
        }

        foreach (var name in ProxyVariables)
        {
            environment.Add($"{name}={proxy}");
        }

        foreach (var name in NoProxyVariables)
        {
            environment.Add($"{name}={LoopbackHosts}");
        }

        return environment;
    }

    private static bool IsProxyVariable(string name) =>
        ProxyVariables.Concat(NoProxyVariables).Any(proxyName => string.Equals(name, proxyName, StringComparison.OrdinalIgnoreCase));

    private static Socket Listen()
    {
        // .NET opens sockets close-on-exec; the mark before the spawn covers it all the same.
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(ListenBacklog);
            return listener;
        }
        catch (SocketException exception)
        {
            listener.Dispose();
            throw new IOException($"cannot listen on 127.0.0.1 inside the sandbox: {exception.Message}", exception);
        }
    }

    /// <summary>Starts the command; returns its pid, or null having reported why it could not start.</summary>
    private static int? StartCommand(string[] command, List<string> environment)
    {
        try
        {
            using var spawn = PreparedSpawn.Create(command, environment);

            // Right before the spawn: whatever this process inherited or opened since start-up stays with it.
            if (InheritedDescriptors.MarkCloseOnExec() is { } descriptorProblem)
            {
                Report($"{descriptorProblem}. Nothing was run.");
                return null;
            }

            var error = spawn.Spawn(out var pid);
            if (error != 0)
            {
                Report($"cannot start {command[0]}: {Libc.Describe(error)}. Nothing was run.");
                return null;
            }

            return pid;
        }
        catch (LandlockSetupException exception)
        {
            // PreparedSpawn's own failure (a NUL in an argument or an environment entry), shared with the launcher.
            Report($"{exception.Message}. Nothing was run.");
            return null;
        }
    }

    /// <summary>Waits for the command; returns its wait status, or null having reported why it was lost.</summary>
    private static int? WaitFor(int pid)
    {
        while (true)
        {
            int status;
            if (Libc.WaitPid(pid, &status, 0) == pid)
            {
                return status;
            }

            var errno = Libc.LastError;
            if (errno != Errno.EINTR)
            {
                // The bridge exits, so bubblewrap's namespace ends and takes the command with it: nothing runs on.
                Report($"lost track of the command: waitpid failed: {Libc.Describe(errno)}");
                return null;
            }
        }
    }

    private static void Report(string message) => Libc.WriteLineToStandardError(MessagePrefix + message);
}
