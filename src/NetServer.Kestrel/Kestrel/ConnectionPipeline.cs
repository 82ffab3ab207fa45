using Microsoft.AspNetCore.Connections;

namespace NetServer.Kestrel;

/// <summary>
/// Kestrel-style connection middleware in front of a terminal that turns a connection into a
/// <see cref="Socket"/>: the shape of <c>IConnectionBuilder.Use</c>, so any Kestrel connection
/// middleware (a user's own, TLS, PROXY protocol) plugs in unchanged.
/// </summary>
/// <remarks>
/// The composed delegate is built once per change and cached. An empty pipeline builds nothing:
/// <see cref="Build"/> returns null and callers take the direct path, which is how an empty
/// pipeline costs nothing per connection (no task, no delegate, no feature).
/// </remarks>
internal sealed class ConnectionPipeline
{
    private readonly Lock _sync = new();
    private readonly List<Func<ConnectionDelegate, ConnectionDelegate>> _middleware = [];
    private ConnectionDelegate? _built;

    public void Use(Func<ConnectionDelegate, ConnectionDelegate> middleware)
    {
        lock (_sync)
        {
            _middleware.Add(middleware);
            _built = null;
        }
    }

    /// <summary>The middleware in registration order, ending in <paramref name="terminal"/>; null when there is none.</summary>
    public ConnectionDelegate? Build(ConnectionDelegate terminal)
    {
        lock (_sync)
        {
            if (_middleware.Count == 0)
            {
                return null;
            }
            if (_built is null)
            {
                var next = terminal;
                for (var i = _middleware.Count - 1; i >= 0; i--)
                {
                    next = _middleware[i](next);
                }
                _built = next;
            }
            return _built;
        }
    }

    /// <summary>
    /// Runs a connection that this process owns through <paramref name="pipeline"/> off the caller's
    /// thread (middleware may block or handshake; the event loop must not wait for it), then
    /// disposes it, as Kestrel's connection dispatcher does for its own connections. A throwing
    /// middleware is a bug nobody handled: it reaches the loop's <c>"uncaughtException"</c>.
    /// </summary>
    public static void RunOwned(ConnectionDelegate pipeline, ConnectionContext connection, EventLoop loop)
    {
        connection.Features.Set(new OwnTransportFeature(connection.Transport));
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = RunAsync(state.pipeline, state.connection, state.loop),
            (pipeline, connection, loop),
            preferLocal: false);
    }

    private static async Task RunAsync(ConnectionDelegate pipeline, ConnectionContext connection, EventLoop loop)
    {
        try
        {
            await pipeline(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            connection.Abort(new ConnectionAbortedException("A connection middleware failed.", ex));
            loop.Post(() => loop.ReportUncaught(ex));
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="connection"/> still carries the exact-drain transport that <see cref="TransportFactory"/> made.</summary>
    public static bool HasOwnTransport(ConnectionContext connection) =>
        connection.Features.Get<OwnTransportFeature>() is { } own && ReferenceEquals(own.Transport, connection.Transport);

    /// <summary>Remembers the transport our factory made, so the terminal can tell whether a middleware replaced it.</summary>
    private sealed record OwnTransportFeature(System.IO.Pipelines.IDuplexPipe Transport);
}
