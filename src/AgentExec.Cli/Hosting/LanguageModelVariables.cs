namespace AgentExec.Cli.Hosting;

/// <summary>The environment variables of the LLM risk assessment (SPEC.md "Command line"), and the defaults behind them.</summary>
internal static class LanguageModelVariables
{
    /// <summary>The API key; without it the assessment stays off.</summary>
    public const string ApiKey = "OPENAI_API_KEY";

    /// <summary>Any OpenAI-compatible endpoint, such as <c>http://127.0.0.1:11434/v1</c>; OpenAI's own when unset.</summary>
    public const string BaseUrl = "OPENAI_BASE_URL";

    /// <summary>The model to ask.</summary>
    public const string Model = "AGENTEXEC_ASSESSMENT_MODEL";

    /// <summary>
    /// The default model: small and fast (the answer must arrive within 5 seconds, cold connection included), not a
    /// reasoning model (those think before answering), and supporting strict JSON-schema output.
    /// </summary>
    public const string DefaultModel = "gpt-4.1-mini";

    /// <summary>The three names, the only ones a <c>.env</c> file may supply.</summary>
    public static IReadOnlyList<string> All { get; } = [ApiKey, BaseUrl, Model];
}
