using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Internal;

/// <summary>Category <c>NetServer.Hosting.Lifecycle</c>: start and stop of the endpoints. Event ids 1–9.</summary>
internal static partial class LifecycleLog
{
    public const string Category = "NetServer.Hosting.Lifecycle";

    [LoggerMessage(1, LogLevel.Information, "Endpoint {Endpoint} listening on {Address}", EventName = "EndpointListening")]
    public static partial void EndpointListening(ILogger logger, string endpoint, string address);

    [LoggerMessage(2, LogLevel.Error, "Endpoint {Endpoint} failed to listen on {Address}: {Code}", EventName = "BindFailed")]
    public static partial void BindFailed(ILogger logger, string endpoint, string address, string code, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Stopping: {Count} endpoint(s) closed to new connections; live connections may finish until the shutdown timeout", EventName = "Stopping")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(4, LogLevel.Warning, "Shutdown timeout reached: destroying {Count} live connection(s) on endpoint {Endpoint}", EventName = "ConnectionsDestroyed")]
    public static partial void ConnectionsDestroyed(ILogger logger, int count, string endpoint);

    [LoggerMessage(5, LogLevel.Information, "Endpoint {Endpoint} closed", EventName = "EndpointClosed")]
    public static partial void EndpointClosed(ILogger logger, string endpoint);

    [LoggerMessage(6, LogLevel.Warning, "Endpoints did not finish closing within {Seconds} s after their connections were destroyed", EventName = "CloseStalled")]
    public static partial void CloseStalled(ILogger logger, double seconds);
}
