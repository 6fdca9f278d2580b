using System.Diagnostics;
using System.Runtime.Versioning;
using AgentExec.Core.Approval;
using AgentExec.Core.Assessment;
using AgentExec.Core.Audit;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Pipeline;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Tests.Core.Audit;
using AgentExec.Tests.Mcp.Support;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// A sandboxed command that takes an exclusive <c>flock</c> on the audit log or on the writers' lock file while
/// another call is made (issue 10, item 5), on both backends and through the real pipeline and audit log: the other
/// call completes. Positive control: the same lock held by an unsandboxed process makes the writer wait.
/// </summary>
/// <remarks>
/// The probe opens the file, takes the lock, and only then writes <c>locked.flag</c>; it holds the lock until the test
/// writes <c>release.flag</c>. The waits are bounds, never measurements: "did not complete while held", "completed".
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed class AuditLockEscapeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WhileHeld = TimeSpan.FromMilliseconds(500);

    [BubblewrapTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Under_bubblewrap_a_command_that_locks_the_log_and_the_lock_file_stalls_no_other_call(bool lockFileOnly)
    {
        // Arrange
        using var scenario = new SandboxScenario();
        var settings = scenario.Settings();
        var log = new JsonLinesAuditLog(scenario.AuditLogPath, TimeProvider.System);
        Assert.Null(log.Prepare());
        var holder = scenario.Pipeline(settings, log);
        var other = scenario.Pipeline(settings, new JsonLinesAuditLog(scenario.AuditLogPath, TimeProvider.System));
        File.WriteAllText(Path.Combine(scenario.Workspace, "probe.sh"), Probe(lockFileOnly ? [log.LockPath] : [scenario.AuditLogPath, log.LockPath]));
        using var control = PosixFileCalls.OpenForReading(log.LockPath);
        var hostCouldLock = false;

        // Act
        var (held, otherResult, holderResult) = await WhileTheProbeHoldsItsLocksAsync(
            scenario.Workspace,
            holder,
            other,
            () => hostCouldLock = NonBlockingFlock.TryLockExclusive(control) && NonBlockingFlock.Release(control));

        // Assert: whatever the probe opened there (bubblewrap's empty stand-in, if anything) was not the real lock file,
        // and the other call ran.
        Assert.True(held, $"{holderResult.Status} {holderResult.Message} {holderResult.Stdout.Text}{holderResult.Stderr.Text}");
        Assert.True(hostCouldLock, holderResult.Stdout.Text);
        Assert.Equal((ShellStatus.Completed, "second\n"), (otherResult!.Status, otherResult.Stdout.Text));
        Assert.Equal((ShellStatus.Completed, SandboxBackendKind.Bubblewrap), (holderResult.Status, holderResult.Backend));
        Assert.Null(AuditChainVerifier.Verify(scenario.AuditLogPath, null).Defect);
    }

    [LandlockFact]
    public async Task Under_landlock_a_command_that_locks_the_log_itself_stalls_no_other_call()
    {
        // Arrange
        using var scenario = new LandlockScenario();
        var logPath = scenario.InSibling("audit.jsonl");
        var log = new JsonLinesAuditLog(logPath, TimeProvider.System);
        Assert.Null(log.Prepare());
        File.WriteAllText(scenario.InWorkspace("probe.sh"), Probe([logPath]));
        using var control = PosixFileCalls.OpenForReading(logPath);
        var controlLocked = false;

        // Act
        var (held, otherResult, holderResult) = await WhileTheProbeHoldsItsLocksAsync(
            scenario.Workspace,
            LandlockPipeline(scenario, log),
            LandlockPipeline(scenario, new JsonLinesAuditLog(logPath, TimeProvider.System)),
            () => controlLocked = NonBlockingFlock.TryLockExclusive(control));

        // Assert: the lock on the log was real (nobody else could take it), and it stopped nothing.
        Assert.True(held, holderResult.Stdout.Text + holderResult.Stderr.Text);
        Assert.StartsWith("LOCKED ", holderResult.Stdout.Text, StringComparison.Ordinal);
        Assert.False(controlLocked);
        Assert.Equal((ShellStatus.Completed, "second\n"), (otherResult!.Status, otherResult.Stdout.Text));
        Assert.Equal((ShellStatus.Completed, SandboxBackendKind.Landlock), (holderResult.Status, holderResult.Backend));
    }

    [LandlockTheory]
    [InlineData(false, "F_RDLCK")]
    [InlineData(true, "F_WRLCK")]
    public async Task Under_landlock_a_command_cannot_take_a_lease_on_the_log_or_its_lock_file_that_makes_other_calls_fail(bool lockFile, string lease)
    {
        // Arrange: a lease (fcntl F_SETLEASE) needs only a descriptor of a file the caller owns: a read lease one nobody
        // has open for writing, a write lease one nobody else has open at all. A read lease on the log, or a write lease
        // on the writers' lock file, made every append's open of it fail at once (EWOULDBLOCK): attacks had other calls
        // denied for as long as they ran.
        using var scenario = new LandlockScenario();
        var logPath = scenario.InSibling("audit.jsonl");
        var log = new JsonLinesAuditLog(logPath, TimeProvider.System);
        Assert.Null(log.Prepare());
        File.WriteAllText(scenario.InWorkspace("probe.sh"), $$"""
            python3 - '{{(lockFile ? log.LockPath : logPath)}}' <<'PY'
            import fcntl, os, sys, time
            fd = os.open(sys.argv[1], os.O_RDONLY)
            try:
                fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.{{lease}})
                print("LEASED", flush=True)
            except OSError as error:
                print("REFUSED", error.errno, flush=True)
            open("locked.flag", "w").close()
            while not os.path.exists("release.flag"):
                time.sleep(0.05)
            PY
            """);

        // Act
        var (held, otherResult, holderResult) = await WhileTheProbeHoldsItsLocksAsync(
            scenario.Workspace, LandlockPipeline(scenario, log), LandlockPipeline(scenario, new JsonLinesAuditLog(logPath, TimeProvider.System)));

        // Assert: the lease was refused (the server holds the log open for writing and the lock file open) and the other
        // call ran, recorded.
        Assert.True(held, holderResult.Stdout.Text + holderResult.Stderr.Text);
        Assert.Equal((ShellStatus.Completed, "second\n"), (otherResult!.Status, otherResult.Stdout.Text));
        Assert.StartsWith("REFUSED ", holderResult.Stdout.Text, StringComparison.Ordinal);
        Assert.Null(AuditChainVerifier.Verify(logPath, null).Defect);
    }

    [LandlockFact]
    public async Task Under_landlock_a_command_that_locks_the_lock_file_makes_the_other_call_fail_closed_not_hang()
    {
        // Arrange: Landlock cannot hide the lock file; the writer's deadline is what bounds the wait (short here).
        using var scenario = new LandlockScenario();
        var logPath = scenario.InSibling("audit.jsonl");
        var log = new JsonLinesAuditLog(logPath, TimeProvider.System);
        Assert.Null(log.Prepare());
        File.WriteAllText(scenario.InWorkspace("probe.sh"), Probe([log.LockPath]));
        var other = LandlockPipeline(scenario, new JsonLinesAuditLog(logPath, TimeProvider.System, lockTimeout: TimeSpan.FromSeconds(1)));

        // Act
        var (held, otherResult, holderResult) = await WhileTheProbeHoldsItsLocksAsync(scenario.Workspace, LandlockPipeline(scenario, log), other);
        var afterwards = await other.ExecuteAsync(Request("echo third", scenario.Workspace), NobodyToAsk.Instance, null, CancellationToken.None);

        // Assert: denied with audit_unavailable while held, never run unrecorded; fine again once released.
        Assert.True(held, holderResult.Stdout.Text + holderResult.Stderr.Text);
        Assert.StartsWith("LOCKED ", holderResult.Stdout.Text, StringComparison.Ordinal);
        Assert.Equal((ShellStatus.Denied, ApprovalReason.AuditUnavailable), (otherResult!.Status, otherResult.Approval?.Reason));
        Assert.Equal((ShellStatus.Completed, "third\n"), (afterwards.Status, afterwards.Stdout.Text));
    }

    [LandlockFact]
    public async Task Under_landlock_a_command_that_locks_the_lock_file_while_another_call_runs_cannot_make_its_end_go_unsaid()
    {
        // Arrange: the other call's command is already running (its execution_started written) when the probe, in a
        // second call, takes the writers' lock; the other command ends while the lock is held.
        using var scenario = new LandlockScenario();
        var logPath = scenario.InSibling("audit.jsonl");
        var log = new JsonLinesAuditLog(logPath, TimeProvider.System);
        Assert.Null(log.Prepare());
        File.WriteAllText(scenario.InWorkspace("probe.sh"), Probe([log.LockPath]));
        File.WriteAllText(scenario.InWorkspace("other.sh"), "while [ ! -e locked.flag ]; do sleep 0.05; done\necho second\n");
        var other = LandlockPipeline(scenario, new JsonLinesAuditLog(logPath, TimeProvider.System, lockTimeout: TimeSpan.FromSeconds(1)));
        var otherRequest = Request("bash other.sh", scenario.Workspace);

        // Act
        var otherCall = other.ExecuteAsync(otherRequest, NobodyToAsk.Instance, null, CancellationToken.None);
        var started = Task.Run(async () =>
        {
            while (!File.ReadAllText(logPath).Contains("\"event\":\"execution_started\"", StringComparison.Ordinal))
            {
                await Task.Delay(20);
            }
        });
        Assert.True(await Task.WhenAny(started, otherCall, Task.Delay(Bound)) == started, "the other call's command did not start");
        var holding = LandlockPipeline(scenario, log).ExecuteAsync(Request("bash probe.sh", scenario.Workspace), NobodyToAsk.Instance, null, CancellationToken.None);
        var held = await WaitForAsync(scenario.InWorkspace("locked.flag"), holding);
        var otherResult = await Task.WhenAny(otherCall, Task.Delay(Bound)) == otherCall ? await otherCall : null;
        File.WriteAllText(scenario.InWorkspace("release.flag"), string.Empty);
        var holderResult = await holding;
        var otherEvents = File.ReadAllLines(logPath).Where(line => line.Contains($"\"call_id\":\"{otherRequest.CallId}\"", StringComparison.Ordinal)).ToList();

        // Assert: positive control, the lock was really held and the other command really ran (its start recorded);
        // then the property: a command that ran has its execution_finished in the log, or its result says the log
        // lacks it (Landlock cannot keep a command from holding the lock past the writers' deadline).
        Assert.True(held, holderResult.Stdout.Text + holderResult.Stderr.Text);
        Assert.StartsWith("LOCKED ", holderResult.Stdout.Text, StringComparison.Ordinal);
        Assert.Equal("second\n", otherResult?.Stdout.Text);
        Assert.Contains(otherEvents, line => line.Contains("\"event\":\"execution_started\"", StringComparison.Ordinal));
        var finishRecorded = otherEvents.Any(line => line.Contains("\"event\":\"execution_finished\"", StringComparison.Ordinal));
        Assert.True(finishRecorded || otherResult!.Message?.Contains(Denials.FinishUnrecorded, StringComparison.Ordinal) == true, otherResult!.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fifo_planted_as_the_lock_file_or_the_log_never_hangs_a_writer(bool plantAsLog)
    {
        // Arrange: what a command can do under Landlock when the log lies in a writable root.
        using var directory = new TemporaryDirectory();
        var log = new JsonLinesAuditLog(directory.File("audit.jsonl"), TimeProvider.System, lockTimeout: TimeSpan.FromSeconds(1));
        Assert.Null(log.Prepare());
        var planted = plantAsLog ? log.Path : log.LockPath;
        File.Delete(planted);
        HostCommand.Run(directory.Path, "mkfifo", planted);

        // Positive control: a plain open of that path blocks until someone opens the other end.
        var plainOpen = Task.Run(() => File.ReadAllBytes(planted));
        var plainOpenBlocked = await Task.WhenAny(plainOpen, Task.Delay(WhileHeld)) != plainOpen;
        await using (new FileStream(planted, FileMode.Open, FileAccess.Write))
        {
        }

        await plainOpen;

        // Act
        var append = Task.Run(async () =>
        {
            try
            {
                await log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None);
                return "appended";
            }
            catch (IOException e)
            {
                return e.GetType().Name;
            }
        });
        var completed = await Task.WhenAny(append, Task.Delay(Bound)) == append;

        // Assert: the append ended (written or refused), it did not wait on the FIFO.
        Assert.True(plainOpenBlocked);
        Assert.True(completed, "the audit writer blocked on a FIFO");
    }

    [Fact]
    public async Task Positive_control_the_same_lock_held_by_an_unsandboxed_process_makes_a_writer_wait()
    {
        // Arrange: the probe run with bash directly, no sandbox.
        using var directory = new TemporaryDirectory();
        var workspace = Directory.CreateDirectory(directory.File("workspace")).FullName;
        var log = new JsonLinesAuditLog(directory.File("audit.jsonl"), TimeProvider.System);
        Assert.Null(log.Prepare());
        File.WriteAllText(Path.Combine(workspace, "probe.sh"), Probe([log.LockPath]));
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workspace, ArgumentList = { "probe.sh" }, RedirectStandardOutput = true };
        using var probe = Process.Start(start)!;
        await WaitForAsync(Path.Combine(workspace, "locked.flag"));

        // Act
        var append = Task.Run(() => log.AppendAsync(new AuditEvent(AuditEventNames.Denial, []), CancellationToken.None));
        var completedWhileHeld = await Task.WhenAny(append, Task.Delay(WhileHeld)) == append;
        File.WriteAllText(Path.Combine(workspace, "release.flag"), string.Empty);
        var completedAfter = await Task.WhenAny(append, Task.Delay(Bound)) == append;

        // Assert
        Assert.False(completedWhileHeld);
        Assert.True(completedAfter);
        Assert.Equal(1, (await append).Seq);
        await probe.WaitForExitAsync();
    }

    // Takes an exclusive flock on each path it can open (read-only: all a sandboxed command can get), says which, and
    // holds them until release.flag.
    private static string Probe(IReadOnlyList<string> paths)
    {
        var locks = string.Join("\n", paths.Select((path, index) =>
            $"if exec {10 + index}<'{path}' && flock -x {10 + index}; then echo 'LOCKED {path}'; else echo 'REFUSED {path}'; fi"));
        return $"""
            {locks}
            echo ready > locked.flag
            while [ ! -e release.flag ]; do sleep 0.05; done
            echo DONE
            """;
    }

    private static async Task<(bool Held, ShellResult? Other, ShellResult Holder)> WhileTheProbeHoldsItsLocksAsync(
        string workspace, ExecPipeline holder, ExecPipeline other, Action? whileHeld = null)
    {
        var holding = holder.ExecuteAsync(Request("bash probe.sh", workspace), NobodyToAsk.Instance, null, CancellationToken.None);
        var held = await WaitForAsync(Path.Combine(workspace, "locked.flag"), holding);
        ShellResult? otherResult = null;
        if (held)
        {
            whileHeld?.Invoke();
            var call = other.ExecuteAsync(Request("echo second", workspace), NobodyToAsk.Instance, null, CancellationToken.None);
            otherResult = await Task.WhenAny(call, Task.Delay(Bound)) == call ? await call : null;
        }

        File.WriteAllText(Path.Combine(workspace, "release.flag"), string.Empty);
        var holderResult = await holding;
        Assert.True(otherResult is not null || !held, "the other call did not complete while the sandboxed command held its locks");
        return (held, otherResult, holderResult);
    }

    private static async Task<bool> WaitForAsync(string flag, Task? giveUpWhen = null)
    {
        var deadline = Task.Delay(Bound);
        while (!File.Exists(flag))
        {
            if (deadline.IsCompleted || giveUpWhen?.IsCompleted == true)
            {
                return File.Exists(flag);
            }

            await Task.Delay(20);
        }

        return true;
    }

    private static ExecRequest Request(string command, string workspace) =>
        new(command, workspace, TimeSpan.FromSeconds(60), null, EscalationKind.None, "call-" + Guid.NewGuid().ToString("N"));

    private static ExecPipeline LandlockPipeline(LandlockScenario scenario, IAuditLog log)
    {
        var settings = PipelineFactory.Settings(scenario.Workspace) with { Sandbox = SandboxMode.WorkspaceWrite, AuditLogPath = ((JsonLinesAuditLog)log).Path };
        var selection = new SandboxSelection(SandboxMode.WorkspaceWrite, scenario.Sandbox, null, LandlockSupport.Probe().CaveatsFor(SandboxMode.WorkspaceWrite));
        return new ExecPipeline(new PipelineDependencies(settings, FixedRuleSource.Empty, selection, DisabledRiskAssessor.Instance, log, ChildEnvironment.ReadHost()));
    }
}
