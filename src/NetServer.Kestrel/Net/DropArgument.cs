namespace NetServer;

/// <summary>
/// The argument of a server's <c>"drop"</c> event (emitted when <see cref="Server.MaxConnections"/>
/// is reached): both ends of the connection that was accepted and closed at once.
/// IPC servers emit <c>"drop"</c> with no argument.
/// </summary>
public sealed record DropArgument
{
    /// <summary>The server-side address.</summary>
    public string? LocalAddress { get; init; }

    /// <summary>The server's port.</summary>
    public int? LocalPort { get; init; }

    /// <summary><c>"IPv4"</c> or <c>"IPv6"</c>.</summary>
    public string? LocalFamily { get; init; }

    /// <summary>The peer's address.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The peer's port.</summary>
    public int? RemotePort { get; init; }

    /// <summary><c>"IPv4"</c> or <c>"IPv6"</c>.</summary>
    public string? RemoteFamily { get; init; }
}
