namespace NetServer.Hosting;

/// <summary>
/// One endpoint, <c>NetServer:Endpoints:{name}</c>: where it listens (exactly one of
/// <see cref="Port"/> or <see cref="Path"/>) and the <see cref="ServerOptions"/> its sockets get.
/// </summary>
public sealed class NetServerEndpointOptions
{
    /// <summary>TCP port, 0–65535 (0 picks a free port).</summary>
    /// <remarks>Defaults to null. Exactly one of <see cref="Port"/> and <see cref="Path"/> must be set.</remarks>
    public int? Port { get; set; }

    /// <summary>Host name or IP address to bind with <see cref="Port"/>.</summary>
    /// <remarks>Defaults to null: Node's default host (<c>::</c> dual-stack when IPv6 is available, else <c>0.0.0.0</c>).</remarks>
    public string? Host { get; set; }

    /// <summary>Unix domain socket path (at most 107 bytes in UTF-8).</summary>
    /// <remarks>Defaults to null. The socket file is removed when the host stops.</remarks>
    public string? Path { get; set; }

    /// <summary>Listen backlog; must be positive.</summary>
    /// <remarks>Defaults to null: 511, as Node.</remarks>
    public int? Backlog { get; set; }

    /// <summary>Node's <c>server.maxConnections</c>: connections beyond it are accepted, closed and reported as <c>"drop"</c>.</summary>
    /// <remarks>Defaults to null: unlimited. 0 or negative drops every connection (Node ≥ 21).</remarks>
    public int? MaxConnections { get; set; }

    /// <summary>Node's <c>allowHalfOpen</c>.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool AllowHalfOpen { get; set; }

    /// <summary>Node's <c>pauseOnConnect</c>.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool PauseOnConnect { get; set; }

    /// <summary>Node's <c>noDelay</c> (disables Nagle on accepted sockets).</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool NoDelay { get; set; }

    /// <summary>Node's <c>keepAlive</c> on accepted sockets.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool KeepAlive { get; set; }

    /// <summary>Node's <c>keepAliveInitialDelay</c>, in milliseconds; must not be negative.</summary>
    /// <remarks>Defaults to 0.</remarks>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>Node's <c>highWaterMark</c> for accepted sockets, in bytes.</summary>
    /// <remarks>Defaults to 65536, as Node 24.</remarks>
    public int HighWaterMark { get; set; } = ServerOptions.DefaultHighWaterMark;

    /// <summary>Node's <c>ipv6Only</c>: with an IPv6 host, do not accept IPv4 too.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool Ipv6Only { get; set; }

    /// <summary>Node's <c>exclusive</c>.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool Exclusive { get; set; }

    /// <summary>Node's <c>readableAll</c>: make the socket file readable by all users.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool ReadableAll { get; set; }

    /// <summary>Node's <c>writableAll</c>: make the socket file writable by all users.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool WritableAll { get; set; }

    /// <summary>Node's <c>reusePort</c> (<c>SO_REUSEPORT</c>).</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool ReusePort { get; set; }

    /// <summary>The server options these settings describe, on <paramref name="loop"/>.</summary>
    internal ServerOptions ToServerOptions(EventLoop loop) => new()
    {
        AllowHalfOpen = AllowHalfOpen,
        PauseOnConnect = PauseOnConnect,
        NoDelay = NoDelay,
        KeepAlive = KeepAlive,
        KeepAliveInitialDelay = KeepAliveInitialDelay,
        HighWaterMark = HighWaterMark,
        Loop = loop,
    };

    /// <summary>The listen options these settings describe.</summary>
    internal ServerListenOptions ToListenOptions() => new()
    {
        Port = Port,
        Host = Port is null ? null : Host,
        Path = Port is null ? Path : null,
        Backlog = Backlog,
        Exclusive = Exclusive,
        ReadableAll = ReadableAll,
        WritableAll = WritableAll,
        Ipv6Only = Ipv6Only,
        ReusePort = ReusePort,
    };
}
