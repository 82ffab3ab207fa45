using Microsoft.AspNetCore.Connections;

namespace NetServer;

/// <summary>Runs a NetServer <see cref="Server"/> as connection middleware on a Kestrel you already run (beside HTTP, for example).</summary>
public static class NetServerConnectionBuilderExtensions
{
    /// <summary>
    /// Hands every connection of this endpoint to <paramref name="server"/>: it emits <c>"connection"</c>
    /// with a <see cref="Socket"/>, applies <see cref="Server.MaxConnections"/> (with <c>"drop"</c>) and counts
    /// connections, exactly as for a server that listens itself. The endpoint belongs to Kestrel, so
    /// the server emits no <c>"listening"</c> and <see cref="Server.Address"/> stays null.
    /// </summary>
    /// <typeparam name="TBuilder">Kestrel's <c>ListenOptions</c> or any other connection builder.</typeparam>
    /// <param name="builder">The endpoint's connection pipeline.</param>
    /// <param name="server">The server that receives the connections.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// A half-close (<c>End()</c> while the peer still sends) needs to know when Kestrel's output pipe
    /// is empty, which only NetServer's own listener guarantees; on a user's Kestrel <c>End()</c>
    /// therefore closes both directions once the data is flushed.
    /// </remarks>
    public static TBuilder UseNetServer<TBuilder>(this TBuilder builder, Server server)
        where TBuilder : IConnectionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        builder.Use(_ => server.OnConnection);
        return builder;
    }
}
