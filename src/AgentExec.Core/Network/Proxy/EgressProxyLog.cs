using Microsoft.Extensions.Logging;

namespace AgentExec.Core.Network.Proxy;

/// <summary>What <see cref="EgressProxy"/> logs, as source-generated messages.</summary>
internal static partial class EgressProxyLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Egress proxy: rejected a request with {Status}: {Reason}")]
    public static partial void Rejected(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Egress proxy: refused the tunnel to {Target}: {Reason}")]
    public static partial void ProtocolRefused(ILogger logger, NetworkTarget target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Egress proxy: could not connect to {Target} at any checked address")]
    public static partial void ConnectFailed(ILogger logger, NetworkTarget target);

    [LoggerMessage(Level = LogLevel.Error, Message = "Egress proxy: the gate failed for {Target}; refused")]
    public static partial void GateFailed(ILogger logger, NetworkTarget target, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Egress proxy: the protocol refusal callback failed")]
    public static partial void RefusalCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Egress proxy: {Count} connection(s) had not ended {Timeout} after closing")]
    public static partial void ShutdownTimedOut(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Egress proxy: a connection ended with an error")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception);
}
