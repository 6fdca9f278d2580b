using System.Text.Json;

namespace AgentExec.MicroBenchmarks;

/// <summary>A client's <c>elicitation/create</c> result, already read as JSON, named for BenchmarkDotNet's table.</summary>
/// <param name="Name">What the answer is (<c>accept once</c>, <c>malformed</c>, …).</param>
/// <param name="Json">The answer as the client sent it.</param>
public sealed record ElicitationAnswer(string Name, string Json)
{
    /// <summary>The answer as the channel hands it to the answer table.</summary>
    public JsonElement Element { get; } = JsonDocument.Parse(Json).RootElement.Clone();

    /// <summary>The name BenchmarkDotNet shows.</summary>
    public override string ToString() => Name;
}
