using Microsoft.Extensions.Logging;

namespace NetServer.Hosting.Internal;

/// <summary>Category <c>NetServer.Hosting.Warnings</c>: the loop's <c>"warning"</c> events (Node's process warnings). Event ids 30–39.</summary>
internal static partial class WarningLog
{
    public const string Category = "NetServer.Hosting.Warnings";

    [LoggerMessage(30, LogLevel.Warning, "Endpoint {Endpoint}: {WarningName}: {WarningMessage}", EventName = "NodeWarning")]
    public static partial void NodeWarning(ILogger logger, string endpoint, string warningName, string warningMessage);
}
