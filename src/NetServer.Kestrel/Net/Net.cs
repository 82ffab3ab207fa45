namespace NetServer;

/// <summary>Node's <c>net</c> module entry points.</summary>
public static class Net
{
    /// <summary>Node's <c>net.createServer([connectionListener])</c>.</summary>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    /// <returns>A new server.</returns>
    public static Server CreateServer(Action<Socket>? connectionListener = null) => new(connectionListener);

    /// <summary>Node's <c>net.createServer(options[, connectionListener])</c>.</summary>
    /// <param name="options">Server options.</param>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    /// <returns>A new server.</returns>
    public static Server CreateServer(ServerOptions options, Action<Socket>? connectionListener = null) => new(options, connectionListener);
}
