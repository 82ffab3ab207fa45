namespace NetServer;

/// <summary>
/// A failed system call with Node's fields: <c>Code</c>, <see cref="Errno"/>,
/// <see cref="Syscall"/>, <see cref="Address"/>, <see cref="Port"/>.
/// </summary>
public sealed class NodeSystemError : NodeError, INodeSystemError
{
    /// <summary>Creates a system error; prefer the library's factories, which build Node's message.</summary>
    /// <param name="code">Node's code, e.g. <c>EADDRINUSE</c>.</param>
    /// <param name="errno">The negative errno, e.g. -98.</param>
    /// <param name="syscall">The failed call, e.g. <c>listen</c>.</param>
    /// <param name="message">Node's message, verbatim.</param>
    /// <param name="address">The address involved, or null.</param>
    /// <param name="port">The port involved, or null.</param>
    /// <param name="innerException">The .NET exception behind it, if any.</param>
    public NodeSystemError(string code, int errno, string syscall, string message, string? address = null, int? port = null, Exception? innerException = null)
        : base(code, message, innerException)
    {
        Errno = errno;
        Syscall = syscall;
        Address = address;
        Port = port;
    }

    /// <inheritdoc />
    public int Errno { get; }

    /// <inheritdoc />
    public string Syscall { get; }

    /// <inheritdoc />
    public string? Address { get; }

    /// <inheritdoc />
    public int? Port { get; }

    /// <summary>The host name that failed to resolve (<c>getaddrinfo</c> errors only, as Node's <c>hostname</c>); null otherwise.</summary>
    public string? Hostname { get; init; }

    /// <summary>Prints like Node: <c>Error: message</c>.</summary>
    public override string ToString() => $"Error: {Message}";
}
