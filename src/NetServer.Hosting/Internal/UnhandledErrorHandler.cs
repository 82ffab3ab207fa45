using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NetServer.Hosting.Internal;

/// <summary>
/// The host's <c>"uncaughtException"</c> listener: without it an error nobody handled would end the
/// process (Node's default). It logs the error with the endpoint and peer concerned, destroys that
/// socket, and keeps serving — or stops the application when <see cref="NetServerOptions.OnUnhandledError"/> says so.
/// </summary>
internal sealed class UnhandledErrorHandler(
    NetServerEndpoints endpoints,
    IOptions<NetServerOptions> options,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(UnhandledErrorLog.Category);

    public void Install() => endpoints.Loop.On<Exception>("uncaughtException", OnUncaughtException);

    private void OnUncaughtException(Exception error)
    {
        var stop = options.Value.OnUnhandledError == UnhandledErrorBehavior.StopApplication;
        var action = stop ? "stopping the application" : "continuing";
        switch (ErrorSocket.SourceOf(error))
        {
            case Socket socket:
                var endpoint = endpoints.Find(socket.Server);
                var peer = endpoint?.PeerOf(socket) ?? socket.RemoteAddress ?? "-";
                UnhandledErrorLog.UnhandledError(_logger, endpoint?.Name ?? "-", peer, "the socket was destroyed; " + action, error);
                socket.Destroy();
                break;
            case Server server:
                UnhandledErrorLog.UnhandledError(_logger, endpoints.Find(server)?.Name ?? "-", "-", action, error);
                break;
            default:
                UnhandledErrorLog.UnhandledError(_logger, "-", "-", action, error);
                break;
        }
        if (stop)
        {
            UnhandledErrorLog.StoppingApplication(_logger);
            lifetime.StopApplication();
        }
    }
}
