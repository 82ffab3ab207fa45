using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Internal;

/// <summary>Category <c>NetServer.Hosting.UnhandledErrors</c>: errors that reached the loop's <c>"uncaughtException"</c>. Event ids 20–29.</summary>
internal static partial class UnhandledErrorLog
{
    public const string Category = "NetServer.Hosting.UnhandledErrors";

    [LoggerMessage(20, LogLevel.Error, "Unhandled error on endpoint {Endpoint} (peer {Peer}); {Action}", EventName = "UnhandledError")]
    public static partial void UnhandledError(ILogger logger, string endpoint, string peer, string action, Exception exception);

    [LoggerMessage(21, LogLevel.Critical, "Stopping the application after an unhandled error (NetServer:OnUnhandledError is StopApplication)", EventName = "StoppingApplication")]
    public static partial void StoppingApplication(ILogger logger);
}
