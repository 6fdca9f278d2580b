namespace AgentExec.Tests.Architecture;

/// <summary>
/// Which namespaces each namespace depends on, with one example of why (a type that refers to a type of the other
/// namespace), so that a failure names the reference to move rather than only the two rooms.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, List<string>>> _edges = new(StringComparer.Ordinal);

    /// <summary>The namespaces, in ordinal order.</summary>
    public IEnumerable<string> Namespaces => _edges.Keys;

    /// <summary>Records that <paramref name="from"/> depends on <paramref name="to"/> because of <paramref name="witness"/>.</summary>
    public void Add(string from, string to, string witness)
    {
        Node(to);
        if (from == to)
        {
            Node(from);
            return;
        }

        var witnesses = Node(from);
        if (!witnesses.TryGetValue(to, out var list))
        {
            list = [];
            witnesses[to] = list;
        }

        if (!list.Contains(witness))
        {
            list.Add(witness);
        }
    }

    /// <summary>The namespaces <paramref name="from"/> depends on.</summary>
    public IEnumerable<string> DependenciesOf(string from) => _edges.TryGetValue(from, out var to) ? to.Keys : [];

    /// <summary>Why <paramref name="from"/> depends on <paramref name="to"/>: every reference seen, in the order seen.</summary>
    public IReadOnlyList<string> WitnessesOf(string from, string to) => _edges[from][to];

    /// <summary>
    /// The first cycle a depth-first walk meets, as the namespaces in order with the first repeated at the end,
    /// or null when the graph is acyclic.
    /// </summary>
    public IReadOnlyList<string>? FindCycle()
    {
        // 0 = unvisited, 1 = on the current path, 2 = done (no cycle reachable from it).
        var state = _edges.Keys.ToDictionary(name => name, _ => 0, StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in _edges.Keys)
        {
            if (state[start] == 0 && Visit(start, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>The namespaces, lowest first: each depends only on namespaces before it. Only for an acyclic graph.</summary>
    public IReadOnlyList<string> Layers()
    {
        var placed = new List<string>();
        var remaining = new SortedSet<string>(_edges.Keys, StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            var next = remaining.First(name => DependenciesOf(name).All(placed.Contains));
            placed.Add(next);
            remaining.Remove(next);
        }

        return placed;
    }

    private List<string>? Visit(string node, Dictionary<string, int> state, List<string> path)
    {
        state[node] = 1;
        path.Add(node);
        foreach (var next in DependenciesOf(node))
        {
            if (state[next] == 1)
            {
                return [.. path.Skip(path.IndexOf(next)), next];
            }

            if (state[next] == 0 && Visit(next, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[node] = 2;
        return null;
    }

    private SortedDictionary<string, List<string>> Node(string name)
    {
        if (!_edges.TryGetValue(name, out var to))
        {
            to = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            _edges[name] = to;
        }

        return to;
    }
}
