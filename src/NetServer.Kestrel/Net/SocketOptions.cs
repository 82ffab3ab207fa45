using NetServer.Streams;

namespace NetServer;

/// <summary>Options for <see cref="Socket(SocketOptions?)"/>: Node's <c>new net.Socket(options)</c> for a client socket.</summary>
public sealed class SocketOptions
{
    /// <summary>When false (the default), the socket ends its writable side once the peer has ended.</summary>
    public bool AllowHalfOpen { get; set; }

    /// <summary>Readable and writable high-water mark, in bytes; negative means the default. Defaults to 65536 (Node 24).</summary>
    public int HighWaterMark { get; set; } = ServerOptions.DefaultHighWaterMark;

    /// <summary>When true, disables Nagle's algorithm once connected. Defaults to false, as Node.</summary>
    public bool NoDelay { get; set; }

    /// <summary>When true, enables TCP keep-alive once connected. Defaults to false.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Keep-alive initial delay in milliseconds; negative means 0.</summary>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>The loop on which the socket's callbacks run; null means <see cref="EventLoop.Default"/>.</summary>
    public EventLoop? Loop { get; set; }

    /// <summary>Cancelling destroys the socket with an <c>ABORT_ERR</c> error (Node's <c>signal</c>).</summary>
    public CancellationToken Signal { get; set; }
}
