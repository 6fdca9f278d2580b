namespace AgentExec.Cli.Terminal;

/// <summary>Holds back a running command's output from the terminal while AgentExec asks a question on it.</summary>
internal interface ICommandOutputHold
{
    /// <summary>Holds the output until the returned object is disposed; then what was held is shown, in order.</summary>
    IDisposable Hold();
}
