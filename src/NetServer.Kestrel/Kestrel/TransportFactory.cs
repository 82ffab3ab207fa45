using System.Reflection;
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
    {
        var options = new SocketConnectionFactoryOptions
        {
            MaxWriteBufferSize = WriteBufferDrainThreshold,
            UnsafePreferInlineScheduling = true,
        };
        UsesReadSizedPool = TrySetMemoryPoolFactory(options, new ReadSizedMemoryPool.Factory(new ReadSizedMemoryPool()));
        return new SocketConnectionContextFactory(options, NullLogger.Instance);
    });

    /// <summary>
    /// True when the transport's pipes use <see cref="ReadSizedMemoryPool"/> (64 KiB receives); false
    /// on a framework where the option below is gone, which costs throughput, not correctness.
    /// </summary>
    internal static bool UsesReadSizedPool { get; private set; }

    public static ConnectionContext Create(RawSocket socket) => s_factory.Value.Create(socket);

    /// <summary>
    /// Gives the transport our memory pool. ASP.NET Core 10 lets an app choose the socket transport's
    /// pool publicly through DI (<c>IMemoryPoolFactory&lt;byte&gt;</c>, which <c>UseSockets</c> copies
    /// into <c>SocketTransportOptions.MemoryPoolFactory</c>), but <see cref="SocketConnectionFactoryOptions"/>,
    /// the public way to wrap our own accepted sockets, keeps the same property internal. We set that
    /// property by name, exactly as <c>UseSockets</c> does; if a later framework renames it, the
    /// transport keeps its default pool (4 KiB receives) and a test names the change.
    /// </summary>
    private static bool TrySetMemoryPoolFactory(SocketConnectionFactoryOptions options, IMemoryPoolFactory<byte> factory)
    {
        var property = typeof(SocketConnectionFactoryOptions).GetProperty(
            "MemoryPoolFactory", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (property is null || !property.CanWrite || property.PropertyType != typeof(IMemoryPoolFactory<byte>))
        {
            return false;
        }
        property.SetValue(options, factory);
        return true;
    }

    /// <summary>Disposes a connection we own once its socket is done (Kestrel's own dispatcher would do this for its connections).</summary>
    /// <param name="connection">A connection made by <see cref="Create"/>.</param>
    /// <remarks>
    /// Not awaited, and not wrapped in an async method of ours: that wrapper's state-machine box
    /// cost about 170 B per connection in the churn benchmark. Nothing is lost by it: the socket
    /// transport's <c>DisposeAsync</c> completes the pipes and awaits its own processing task, which
    /// catches every exception of the receive and send loops, so the task it returns does not fault.
    /// <c>AsTask()</c> of that task-backed <see cref="ValueTask"/> allocates nothing.
    /// </remarks>
    public static void Release(ConnectionContext connection) => _ = connection.DisposeAsync().AsTask();
}
