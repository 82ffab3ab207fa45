namespace NetServer;

/// <summary>Options for <see cref="Server"/>: Node's <c>net.createServer(options)</c>.</summary>
public sealed class ServerOptions
{
    /// <summary>Node 24's default stream high-water mark: 64 KiB.</summary>
    public const int DefaultHighWaterMark = 65536;

    /// <summary>
    /// When false (the default), a socket ends its writable side automatically once the peer has
    /// ended; when true, it stays writable until <see cref="Socket.End(Action?)"/> is called.
    /// </summary>
    public bool AllowHalfOpen { get; set; }

    /// <summary>When true, accepted sockets are paused: no data is read until <see cref="Socket.Resume"/>. Defaults to false.</summary>
    public bool PauseOnConnect { get; set; }

    /// <summary>When true, disables Nagle's algorithm on accepted TCP sockets before <c>connection</c>. Defaults to false (Nagle on), as Node.</summary>
    public bool NoDelay { get; set; }

    /// <summary>When true, enables TCP keep-alive on accepted sockets before <c>connection</c>. Defaults to false.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Keep-alive initial delay in milliseconds; negative values mean 0, as in Node. Defaults to 0.</summary>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>Readable and writable high-water mark of accepted sockets, in bytes; negative means the default. Defaults to 65536.</summary>
    public int HighWaterMark { get; set; } = DefaultHighWaterMark;

    /// <summary>The loop on which this server's and its sockets' callbacks run; null means <see cref="EventLoop.Default"/>.</summary>
    public EventLoop? Loop { get; set; }

    /// <summary>
    /// <b>Beyond Node</b>, multi-loop mode: accepted sockets are spread round-robin over these loops
    /// (typically one per core) for throughput. Each socket's events, including its
    /// <c>"connection"</c> event, run on its own loop, so the order of one connection's events is
    /// kept; callbacks of different connections may run at the same time on different loops, so
    /// state shared between connections needs its own synchronisation. The server's own events
    /// (<c>"listening"</c>, <c>"close"</c>, <c>"error"</c>, <c>"drop"</c>) stay on <see cref="Loop"/>.
    /// Null or empty (the default) keeps every socket on <see cref="Loop"/>: Node's model.
    /// </summary>
    public IReadOnlyList<EventLoop>? Loops { get; set; }

    internal int EffectiveHighWaterMark => HighWaterMark < 0 ? DefaultHighWaterMark : HighWaterMark;

    internal int EffectiveKeepAliveInitialDelay => Math.Max(0, KeepAliveInitialDelay);

    internal ServerOptions Clone() => (ServerOptions)MemberwiseClone();
}
