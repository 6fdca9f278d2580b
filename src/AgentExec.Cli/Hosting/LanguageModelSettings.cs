using System.Net;
using AgentExec.Core.Configuration;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Where the risk assessment goes and with which key and model: the three LLM variables, from the environment, else
/// from the <c>.env</c> file in the directory agentexec starts in (SPEC.md "Command line").
/// </summary>
/// <param name="ApiKey">The API key, or null when none is set.</param>
/// <param name="Endpoint">The OpenAI-compatible base URL, or null for OpenAI's own.</param>
/// <param name="Model">The model to ask.</param>
/// <param name="ValuesFromDotEnv">The values that came from <c>.env</c> (so the prompt redacts them too).</param>
/// <param name="Problem">Why the assessment cannot run with these settings (no key, a bad URL); null when it can.</param>
internal sealed record LanguageModelSettings(
    string? ApiKey,
    Uri? Endpoint,
    string Model,
    IReadOnlyDictionary<string, string> ValuesFromDotEnv,
    string? Problem)
{
    /// <summary>
    /// Resolves the three variables. A variable already set (non-empty) in the environment always wins over <c>.env</c>;
    /// an empty one counts as unset, as everywhere in AgentExec's configuration.
    /// </summary>
    /// <remarks>
    /// One combination is refused, wherever the file lies (SPEC.md: a <c>.env</c> never supplies the base URL for a key
    /// that came from anywhere else): a <c>.env</c> that names the base URL while the API key comes from the real
    /// environment. The agent can write a <c>.env</c> in the workspace or a writable root, and would otherwise be able to
    /// send the user's key to a server of its choosing. (A <c>.env</c> that supplies both is the agent's own key and
    /// endpoint at worst; the assessment is advisory, and the README says so.)
    /// </remarks>
    /// <param name="environment">The process environment.</param>
    /// <param name="startDirectory">The directory agentexec started in, where <c>.env</c> is looked for.</param>
    /// <param name="warnings">Where to add start-up warnings.</param>
    /// <returns>The settings.</returns>
    public static LanguageModelSettings Resolve(
        IReadOnlyDictionary<string, string> environment,
        string startDirectory,
        List<string> warnings)
    {
        var dotEnvPath = Path.Join(startDirectory, DotEnvFile.FileName);
        var fromFile = DotEnvFile.Read(dotEnvPath, LanguageModelVariables.All, out var ignoredNames, out var fileProblem);
        if (fileProblem is not null)
        {
            warnings.Add($"{dotEnvPath} {fileProblem}; it is ignored");
        }

        var policyNames = ignoredNames.Where(name => name.StartsWith("AGENTEXEC_", StringComparison.Ordinal)).ToArray();
        if (policyNames.Length > 0)
        {
            warnings.Add($"{dotEnvPath}: ignoring {string.Join(", ", policyNames)}: a .env file supplies only {string.Join(", ", LanguageModelVariables.All)}, never policy settings");
        }

        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Value(string name)
        {
            if (environment.TryGetValue(name, out var set) && set.Length > 0)
            {
                return set;
            }

            if (fromFile.TryGetValue(name, out var fromDotEnv) && fromDotEnv.Length > 0)
            {
                used[name] = fromDotEnv;
                return fromDotEnv;
            }

            return null;
        }

        var apiKey = Value(LanguageModelVariables.ApiKey);
        var baseUrl = Value(LanguageModelVariables.BaseUrl);
        var model = Value(LanguageModelVariables.Model) ?? LanguageModelVariables.DefaultModel;

        var refusedBaseUrl = false;
        if (baseUrl is not null && used.ContainsKey(LanguageModelVariables.BaseUrl) && !used.ContainsKey(LanguageModelVariables.ApiKey)
            && apiKey is not null)
        {
            warnings.Add(
                $"{dotEnvPath}: ignoring {LanguageModelVariables.BaseUrl}: {LanguageModelVariables.ApiKey} comes from your environment, and a .env "
                + $"(a file the agent may be able to write) names the endpoint only for its own key; set {LanguageModelVariables.BaseUrl} in the environment instead");
            used.Remove(LanguageModelVariables.BaseUrl);
            baseUrl = null;
            refusedBaseUrl = true;
        }

        Uri? endpoint = null;
        // With the endpoint refused, the key must not go to the default one either (it may be meant for another
        // provider): the assessment is off, and questions are asked without a risk.
        string? problem = refusedBaseUrl ? $"{LanguageModelVariables.BaseUrl} from {dotEnvPath} was ignored, and {LanguageModelVariables.ApiKey} is not sent to the default endpoint instead" : null;
        if (baseUrl is not null)
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            {
                problem = $"{LanguageModelVariables.BaseUrl} is not an http(s) URL";
                endpoint = null;
            }
            else if (endpoint.Scheme == Uri.UriSchemeHttp && !IsLoopback(endpoint))
            {
                warnings.Add($"{LanguageModelVariables.BaseUrl} is plain http to {endpoint.Host}: the API key and every assessed command travel unencrypted");
            }
        }

        if (apiKey is null)
        {
            problem ??= $"{LanguageModelVariables.ApiKey} is not set (in the environment or in {dotEnvPath})";
        }

        return new LanguageModelSettings(apiKey, endpoint, model, used, problem);
    }

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
