using System.Diagnostics;
using System.Globalization;
using AgentExec.Core.Execution;
using AgentExec.Tests.TestSupport;

namespace AgentExec.Tests.Core.Sandbox;

/// <summary>
/// What the kernel lets a process change in any other of the same user without a ptrace check, so that Landlock's
/// scoping does not cover it: the nice value, the scheduling policy, the CPU affinity and the I/O priority. Found by an
/// attack that made the server and its launcher <c>SCHED_IDLE</c> on one CPU and every process of the user nice 19.
/// Each test looks at a process outside the sandbox afterwards.
/// </summary>
public sealed class LandlockSchedulingEscapeTests
{
    [LandlockFact]
    public async Task A_process_outside_the_sandbox_keeps_its_nice_value_policy_and_cpus_while_the_commands_own_still_change()
    {
        // Arrange: a process of the test's user outside the sandbox, as the server and the user's own programs are.
        // The kernel already refuses the change for a process holding capabilities the command lacks, so a test run as
        // root starts it without any (as a user's programs run).
        using var scenario = new LandlockScenario();
        var start = Libc.GetEffectiveUserId() == 0
            ? new ProcessStartInfo("setpriv", ["--bounding-set", "-all", "sleep", "60"])
            : new ProcessStartInfo("sleep", "60");
        using var outside = Process.Start(start)!;
        try
        {
            var before = SchedulingOf(outside.Id);

            // Act: renice, chrt, taskset and ionice on it, and on the launcher (the group leader); then the same tools
            // on the command's own process as they start a program, which must still work.
            var result = await scenario.RunAsync(
                $"target={outside.Id}; launcher=$(ps -o pgid= -p $$ | tr -d ' '); "
                + "for p in $target $launcher; do renice -n 19 -p $p; chrt -i -p 0 $p; taskset -p 1 $p; ionice -c3 -p $p; done >/dev/null 2>&1; "
                + "nice -n 5 sh -c 'cut -d\" \" -f19 /proc/self/stat'; ionice -c3 true && taskset -c 0 true && chrt -b 0 true && echo own");

            // Assert
            Assert.Equal(before, SchedulingOf(outside.Id));
            Assert.Equal("5\nown\n", result.Stdout.Text);
        }
        finally
        {
            outside.Kill();
        }
    }

    // The nice value and scheduling policy (fields 19 and 41 of /proc/PID/stat), the CPUs it may run on and its I/O class.
    private static string SchedulingOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpus = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").Single(line => line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));

        // Fields after the command name start at field 3, so field N is fields[N - 3].
        var io = HostCommand.Run("/", "ionice", "-p", pid.ToString(CultureInfo.InvariantCulture)).Stdout.Trim();
        return $"nice {fields[19 - 3]}, policy {fields[41 - 3]}, {cpus}, io {io}";
    }
}
