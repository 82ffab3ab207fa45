using System.Net;

using NetServer.Streams;

namespace NetServer;

/// <summary>Where and how a client socket connects: Node's <c>socket.connect(options)</c> / <c>net.connect(options)</c>.</summary>
public class SocketConnectOptions
{
    /// <summary>The TCP port (0–65535). Exactly one of <see cref="Port"/> or <see cref="Path"/> is needed.</summary>
    public int? Port { get; set; }

    /// <summary>Host name or IP; null means <c>"localhost"</c>, as Node.</summary>
    public string? Host { get; set; }

    /// <summary>A Unix domain socket path (IPC); takes precedence over <see cref="Port"/>.</summary>
    public string? Path { get; set; }

    /// <summary>The local IP to bind before connecting; turns family selection off, as Node.</summary>
    public string? LocalAddress { get; set; }

    /// <summary>The local port to bind before connecting.</summary>
    public int? LocalPort { get; set; }

    /// <summary>0 (any), 4 or 6: the address family the host name is resolved to; 4 or 6 turns family selection off.</summary>
    public int Family { get; set; }

    /// <summary>Node's happy-eyeballs variant: try every resolved address in turn, families interleaved. Null means <see cref="Net.GetDefaultAutoSelectFamily"/>.</summary>
    public bool? AutoSelectFamily { get; set; }

    /// <summary>How long each attempt but the last may take, in ms (values below 10 mean 10). Null means <see cref="Net.GetDefaultAutoSelectFamilyAttemptTimeout"/>.</summary>
    public int? AutoSelectFamilyAttemptTimeout { get; set; }

    /// <summary>Idle timeout in ms, applied as <see cref="Socket.SetTimeout"/> when the connect starts.</summary>
    public int? Timeout { get; set; }

    /// <summary>Disables Nagle's algorithm once connected.</summary>
    public bool NoDelay { get; set; }

    /// <summary>Enables TCP keep-alive once connected.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Keep-alive initial delay in milliseconds.</summary>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>Used by <see cref="Net.Connect(SocketConnectOptions, Action?)"/> for the socket it creates: see <see cref="SocketOptions.AllowHalfOpen"/>.</summary>
    public bool AllowHalfOpen { get; set; }

    /// <summary>
    /// Used by <see cref="Net.Connect(SocketConnectOptions, Action?)"/>: the loop of the socket it creates. Null
    /// means the loop whose callback is running, else <see cref="EventLoop.Default"/>.
    /// </summary>
    public EventLoop? Loop { get; set; }

    /// <summary>Used by <see cref="Net.Connect(SocketConnectOptions, Action?)"/>: cancelling destroys the socket with <c>ABORT_ERR</c>.</summary>
    public CancellationToken Signal { get; set; }

    /// <summary>
    /// Node's <c>lookup</c> option: resolves a host name to its addresses in preference order; null
    /// uses the system resolver (<c>getaddrinfo</c>, as <c>dns.lookup</c>). The addresses are then
    /// filtered by <see cref="Family"/>.
    /// </summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Lookup { get; set; }

    internal SocketConnectOptions Clone() => (SocketConnectOptions)MemberwiseClone();
}
