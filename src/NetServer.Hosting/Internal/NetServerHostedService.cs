using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;

namespace NetServer.Hosting.Internal;

/// <summary>
/// Starts every endpoint before <see cref="StartAsync"/> returns and stops them gracefully:
/// <see cref="StopAsync"/> closes every server at once, lets live connections finish until the
/// host's shutdown token fires, then destroys the rest and stops the host's event loop.
/// </summary>
internal sealed class NetServerHostedService(
    NetServerEndpoints endpoints,
    UnhandledErrorHandler unhandledErrors,
    ILoggerFactory loggerFactory) : IHostedService
{
    /// <summary>How long to wait for <c>"close"</c> after destroying the stragglers; a guard, not a timeout users tune.</summary>
    private static readonly TimeSpan s_closeAfterDestroyBudget = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggerFactory.CreateLogger(LifecycleLog.Category);
    private bool _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        unhandledErrors.Install();
        var started = new List<NetServerEndpoint>();
        foreach (var endpoint in endpoints.All)
        {
            try
            {
                var listen = endpoint.Server.ListenAsync(endpoint.Options.ToListenOptions());
                started.Add(endpoint); // closed again on failure even if the bind completes after a cancellation
                await listen.WaitAsync(cancellationToken).ConfigureAwait(false);
                LifecycleLog.EndpointListening(_logger, endpoint.Name, endpoint.DisplayAddress);
            }
            catch (Exception ex)
            {
                if (ex is INodeError node)
                {
                    LifecycleLog.BindFailed(_logger, endpoint.Name, endpoint.DisplayAddress, node.Code, ex);
                }
                await Task.WhenAll(started.Select(e => e.CloseAsync())).ConfigureAwait(false);
                throw;
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        // Every server stops accepting here, synchronously, before anything is awaited.
        var closed = Task.WhenAll(endpoints.All.Select(e => e.CloseAsync()).ToArray());
        LifecycleLog.Stopping(_logger, endpoints.All.Count);
        try
        {
            await closed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var endpoint in endpoints.All)
            {
                endpoint.DestroyLiveConnections();
            }
            try
            {
                await closed.WaitAsync(s_closeAfterDestroyBudget, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LifecycleLog.CloseStalled(_logger, s_closeAfterDestroyBudget.TotalSeconds);
            }
        }
        finally
        {
            // The uncaughtException listener stays until the loop stops: removing it first would let a
            // late error end the process.
            endpoints.Loop.Dispose();
        }
    }
}
