using System.Net;
using AgentExec.Core.Network;

namespace AgentExec.Tests.Core.Network;

/// <summary>A resolver that answers from a table, counts lookups, and can throw or hang on request.</summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly Dictionary<string, Func<IReadOnlyList<IPAddress>>> _answers = new(StringComparer.Ordinal);

    public List<string> Lookups { get; } = [];

    public FakeHostResolver Answer(string host, params string[] addresses)
    {
        _answers[host] = () => addresses.Select(IPAddress.Parse).ToArray();
        return this;
    }

    public FakeHostResolver Throw(string host, Exception exception)
    {
        _answers[host] = () => throw exception;
        return this;
    }

    /// <summary>Never answers and ignores its token, like a getaddrinfo that cannot be cancelled.</summary>
    public bool HangIgnoringCancellation { get; set; }

    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        lock (Lookups)
        {
            Lookups.Add(host);
        }

        if (HangIgnoringCancellation)
        {
            return new TaskCompletionSource<IReadOnlyList<IPAddress>>().Task;
        }

        return _answers.TryGetValue(host, out var answer)
            ? Task.FromResult(answer())
            : Task.FromException<IReadOnlyList<IPAddress>>(new System.Net.Sockets.SocketException(11001));
    }
}
