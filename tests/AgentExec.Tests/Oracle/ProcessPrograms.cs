namespace AgentExec.Tests.Oracle;

/// <summary>Which program each traced process was running at each call: its last successful execve, else its parent's at the fork.</summary>
/// <remarks>
/// strace -f logs a child's first calls before the parent's <c>clone</c> returns, so the parents are found in a
/// first pass over the whole log and the programs in a second.
/// </remarks>
internal sealed class ProcessPrograms
{
    private readonly string[] programs;

    public ProcessPrograms(IReadOnlyList<TraceEvent> events)
    {
        var parents = new Dictionary<int, (int Parent, int Index)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Call is "clone" or "clone3" or "fork" or "vfork" && events[i].Result is > 0 and <= int.MaxValue)
            {
                parents.TryAdd((int)events[i].Result!.Value, (events[i].Pid, i));
            }
        }

        // Per process, the (index, program) of each successful execve, in order.
        var execs = new Dictionary<int, List<(int Index, string Program)>>();
        for (var i = 0; i < events.Count; i++)
        {
            var call = events[i];
            if (call.Call is "execve" or "execveat" && call.Succeeded
                && call.PathArgument(call.Call == "execve" ? 0 : 1, call.Call == "execve" ? null : 0) is { } path)
            {
                if (!execs.TryGetValue(call.Pid, out var list))
                {
                    execs[call.Pid] = list = [];
                }

                list.Add((i, Path.GetFileName(path)));
            }
        }

        programs = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            programs[i] = ProgramOf(events[i].Pid, i, 0);
        }

        string ProgramOf(int pid, int index, int depth)
        {
            if (execs.TryGetValue(pid, out var list))
            {
                for (var k = list.Count - 1; k >= 0; k--)
                {
                    // An execve is reported under the program it starts, which is what a reader of the report expects.
                    if (list[k].Index <= index)
                    {
                        return list[k].Program;
                    }
                }
            }

            return depth < 64 && parents.TryGetValue(pid, out var parent) ? ProgramOf(parent.Parent, parent.Index, depth + 1) : "?";
        }
    }

    /// <summary>The program making call number <paramref name="index"/>.</summary>
    public string At(int index) => programs[index];
}
