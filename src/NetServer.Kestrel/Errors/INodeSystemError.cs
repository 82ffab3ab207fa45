namespace NetServer;

/// <summary>
/// A failed operating-system call, shaped like Node's system errors
/// (<c>listen EADDRINUSE: address already in use 127.0.0.1:8080</c>).
/// </summary>
public interface INodeSystemError : INodeError
{
    /// <summary>The negative errno value Node reports on Linux (e.g. -98 for <c>EADDRINUSE</c>).</summary>
    int Errno { get; }

    /// <summary>The system call that failed: <c>listen</c>, <c>read</c>, <c>write</c>, <c>accept</c>, <c>getaddrinfo</c>...</summary>
    string Syscall { get; }

    /// <summary>The address involved (an IP, a host name or a socket path), or null where Node omits it.</summary>
    string? Address { get; }

    /// <summary>The port involved, or null where Node omits it (port 0); -1 for pipe servers, as Node.</summary>
    int? Port { get; }
}
