using System.Text.Json.Nodes;
using AgentExec.Core.Approval;
using AgentExec.Mcp.Approval;

namespace AgentExec.Mcp.Mrtr;

/// <summary>
/// Reads the answer to one question out of a retry's raw <c>inputResponses</c>: a map holding exactly that question's
/// key. Anything else — no map, a string, an array, a missing key, a second answer — is a malformed answer, decided at
/// once (SPEC.md "Protocol generations"); the answer itself then goes through the one answer table.
/// </summary>
internal static class InputResponseReader
{
    /// <summary>The outcome of the answer <paramref name="responses"/> holds for the question keyed <paramref name="key"/>.</summary>
    public static ApprovalOutcome Read(JsonNode? responses, string key)
    {
        try
        {
            if (responses is not JsonObject answers)
            {
                return ElicitationAnswerParser.Malformed(
                    $"inputResponses is {(responses is null ? "missing" : responses.GetValueKind().ToString().ToLowerInvariant())}, not a map of answers");
            }

            if (answers.Count != 1 || !answers.TryGetPropertyValue(key, out var answer))
            {
                return ElicitationAnswerParser.Malformed("inputResponses does not hold exactly the answer to this question");
            }

            return ElicitationAnswerParser.Parse(answer);
        }
#pragma warning disable CA1031 // A JSON tree the client shaped (duplicate keys surface lazily as exceptions) is a malformed answer.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ElicitationAnswerParser.Malformed("inputResponses could not be read");
        }
    }
}
