using AgentExec.Core.Assessment;

namespace AgentExec.Cli.Terminal;

/// <summary>Shows a spinner on an interactive terminal while the risk assessment runs; a plain pass-through elsewhere.</summary>
internal sealed class SpinnerRiskAssessor(IRiskAssessor inner, ITerminal terminal) : IRiskAssessor
{
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    public async Task<AssessmentResult> AssessAsync(AssessmentRequest request, CancellationToken cancellationToken)
    {
        if (!terminal.IsInteractive)
        {
            return await inner.AssessAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var assessing = inner.AssessAsync(request, cancellationToken);
        var frame = 0;
        while (!assessing.IsCompleted)
        {
            await terminal.Output.WriteAsync($"\r{Frames[frame++ % Frames.Length]} assessing the command's risk…").ConfigureAwait(false);
            await Task.WhenAny(assessing, Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None)).ConfigureAwait(false);
        }

        await terminal.Output.WriteAsync("\r\u001b[2K").ConfigureAwait(false);
        return await assessing.ConfigureAwait(false);
    }
}
