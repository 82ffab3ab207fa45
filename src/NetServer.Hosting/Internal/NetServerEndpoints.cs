using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NetServer.Hosting.Internal;

/// <summary>
/// The host's endpoints and the event loop they share: a dedicated <see cref="EventLoop"/> per host
/// (never <see cref="EventLoop.Default"/>), so hosts in one process are isolated and stopping one
/// stops its loop thread. Created on first use, after options validation has passed.
/// </summary>
internal sealed class NetServerEndpoints : IDisposable
{
    private readonly Dictionary<string, NetServerEndpoint> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<NetServerEndpoint> _all = [];

    public NetServerEndpoints(
        IOptions<NetServerOptions> options,
        IEnumerable<EndpointMapping> mappings,
        IServiceProvider services,
        NetServerMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mappings);
        var configured = options.Value.Endpoints;
        Loop = new EventLoop();
        // The host's log replaces the loop's default "warning" listener, which prints to standard
        // error: a host's output goes through its loggers, and printing too would say it twice.
        var warnings = loggerFactory.CreateLogger(WarningLog.Category);
        Loop.RemoveAllListeners("warning").On<NodeWarning>("warning", warning =>
            WarningLog.NodeWarning(warnings, EndpointOf(warning)?.Name ?? "-", warning.Name, warning.Message));
        try
        {
            foreach (var mapping in mappings)
            {
                if (_byName.ContainsKey(mapping.Name) || !configured.TryGetValue(mapping.Name, out var endpointOptions))
                {
                    continue; // Reported by NetServerOptionsValidator; only reachable without ValidateOnStart.
                }
                var endpoint = new NetServerEndpoint(mapping.Name, endpointOptions, Loop, mapping.CreateHandler(services), metrics, loggerFactory);
                _byName.Add(mapping.Name, endpoint);
                _all.Add(endpoint);
            }
        }
        catch
        {
            Loop.Dispose();
            throw;
        }
    }

    /// <summary>The loop every endpoint's server and sockets run on.</summary>
    public EventLoop Loop { get; }

    /// <summary>The endpoints, in mapping order.</summary>
    public IReadOnlyList<NetServerEndpoint> All => _all;

    /// <summary>The endpoint named <paramref name="name"/>.</summary>
    public NetServerEndpoint Get(string name) =>
        _byName.TryGetValue(name, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"NetServer endpoint '{name}' is not both configured under NetServer:Endpoints and mapped with MapEndpoint.");

    /// <summary>The endpoint whose server is <paramref name="server"/>, or null.</summary>
    public NetServerEndpoint? Find(Server? server)
    {
        foreach (var endpoint in _all)
        {
            if (ReferenceEquals(endpoint.Server, server))
            {
                return endpoint;
            }
        }
        return null;
    }

    /// <summary>The endpoint a warning concerns: the one whose server or socket got too many listeners, else null.</summary>
    private NetServerEndpoint? EndpointOf(NodeWarning warning) => warning is MaxListenersExceededWarning w
        ? w.Emitter switch
        {
            Server server => Find(server),
            Socket socket => Find(socket.Server),
            _ => null,
        }
        : null;

    /// <summary>
    /// Disposing the host without stopping it still releases every listening socket (and its socket
    /// file) before the loop stops; <c>StopAsync</c> is the graceful path.
    /// </summary>
    public void Dispose()
    {
        foreach (var endpoint in _all)
        {
            if (endpoint.Server.Listening)
            {
                endpoint.Server.Close();
            }
        }
        Loop.Dispose();
    }
}
