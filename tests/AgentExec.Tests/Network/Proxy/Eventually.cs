namespace AgentExec.Tests.Network.Proxy;

/// <summary>Waits for a condition another task makes true (an origin recording what it got), failing after 10 s.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
