using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer.Kestrel;

/// <summary>
/// The process-wide Kestrel socket transport that carries every connection accepted by a
/// <see cref="TransportListener"/>: one set of IO queues and one memory pool for all servers.
/// </summary>
internal static class TransportFactory
{
    /// <summary>
    /// The output pipe pauses the writer at 2 unconsumed bytes and resumes it at 0, so a completed
    /// <c>FlushAsync</c> means Kestrel's send loop has handed every byte to the kernel. That is Node's
    /// meaning of a write callback, of <c>writableLength</c> and <c>'drain'</c>, and it is what lets
    /// <c>end()</c> send FIN with <c>shutdown(SHUT_WR)</c> while still reading (a real half-close)
    /// without racing unsent data.
    /// </summary>
    internal const int WriteBufferDrainThreshold = 2;

    private static readonly Lazy<SocketConnectionContextFactory> s_factory = new(() =>
        new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions { MaxWriteBufferSize = WriteBufferDrainThreshold, UnsafePreferInlineScheduling = true },
            NullLogger.Instance));

    public static ConnectionContext Create(RawSocket socket) => s_factory.Value.Create(socket);

    /// <summary>Disposes a connection we own once its socket is done (Kestrel's own dispatcher would do this for its connections).</summary>
    /// <param name="connection">A connection made by <see cref="Create"/>.</param>
    public static void Release(ConnectionContext connection) => _ = connection.DisposeAsync().AsTask();
}
