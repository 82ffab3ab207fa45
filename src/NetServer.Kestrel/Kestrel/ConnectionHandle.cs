using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer.Kestrel;

/// <summary>
/// What a <see cref="Socket"/> stands on: one Kestrel <see cref="ConnectionContext"/> (Node's
/// <c>socket._handle</c>). The socket's stream state only reads <see cref="Input"/>, writes
/// <see cref="Output"/> and asks this handle to half-close, abort or let go; whether the bytes are
/// a raw Kestrel socket connection or a TLS stream over one is decided by the connection pipeline
/// before the handle is made.
/// </summary>
/// <remarks>
/// A struct kept inside the socket, not an object of its own: an idle connection's memory is
/// what the benchmark's per-connection budget counts, and the handle adds no header or pointer.
/// </remarks>
internal readonly struct ConnectionHandle
{
    private readonly RawSocket? _raw;
    private readonly TaskCompletionSource? _pipelineDone;

    private ConnectionHandle(ConnectionContext connection, TaskCompletionSource? pipelineDone, bool preciseDrain)
    {
        Connection = connection;
        _pipelineDone = pipelineDone;
        Input = connection.Transport.Input;
        Output = connection.Transport.Output;
        _raw = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        Local = connection.LocalEndPoint as IPEndPoint;
        Remote = connection.RemoteEndPoint as IPEndPoint;
        PreciseDrain = preciseDrain;
    }

    /// <summary>The connection underneath (null on a client socket that has not connected).</summary>
    public ConnectionContext? Connection { get; }

    /// <summary>True once the socket has a connection to stand on.</summary>
    public bool IsOpen => Connection is not null;

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public IPEndPoint? Local { get; }

    public IPEndPoint? Remote { get; }

    /// <summary>A Unix domain socket (or another transport without IP endpoints): Node's pipe handle.</summary>
    public bool IsPipe => Local is null;

    /// <summary>
    /// True when a completed flush means "handed to the kernel": only for the transport that
    /// <see cref="TransportFactory"/> made, whose output pipe pauses at 2 bytes, and only when no
    /// middleware put another pipe in front of it. That is what makes write callbacks and
    /// <c>"drain"</c> exact and lets <c>End()</c> half-close with <c>shutdown(SHUT_WR)</c>.
    /// </summary>
    public bool PreciseDrain { get; }

    /// <summary>
    /// A connection this process owns outright (our own listener or a client connect, no middleware):
    /// the socket disposes it when it is done with it.
    /// </summary>
    public static ConnectionHandle Owned(ConnectionContext connection) => new(connection, null, preciseDrain: true);

    /// <summary>
    /// A connection that a connection pipeline handed to us (a user's Kestrel, or our own middleware):
    /// its caller awaits <paramref name="pipelineDone"/> and disposes the connection itself.
    /// </summary>
    /// <param name="connection">The connection as the last middleware left it.</param>
    /// <param name="pipelineDone">Completed when the socket is done with the connection.</param>
    /// <param name="preciseDrain">Whether the transport is still our own exact-drain pipe.</param>
    public static ConnectionHandle FromPipeline(ConnectionContext connection, TaskCompletionSource pipelineDone, bool preciseDrain) =>
        new(connection, pipelineDone, preciseDrain);

    /// <summary>Node's <c>setNoDelay</c> on the real socket; a no-op on pipes and on transports without one.</summary>
    public void SetNoDelay(bool noDelay)
    {
        if (!IsPipe && _raw is not null)
        {
            _raw.NoDelay = noDelay;
        }
    }

    /// <summary>Node's <c>setKeepAlive</c>: whole seconds of idle time before the first probe.</summary>
    public void SetKeepAlive(bool enable, int initialDelayMs)
    {
        if (IsPipe || _raw is null)
        {
            return;
        }
        _raw.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, enable);
        if (enable && initialDelayMs >= 1000)
        {
            _raw.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, initialDelayMs / 1000);
        }
    }

    /// <summary>
    /// Sends FIN once every byte is out (Node's <c>shutdown</c>). While the peer may still send and
    /// the drain is exact, <c>shutdown(SHUT_WR)</c> keeps reading open (a real half-close);
    /// otherwise completing Kestrel's output closes both directions after the last byte.
    /// </summary>
    /// <param name="peerEnded">The peer has already sent its FIN.</param>
    public void ShutdownSend(bool peerEnded)
    {
        if (!peerEnded && PreciseDrain && _raw is not null)
        {
            try
            {
                _raw.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The connection is already gone; the read side reports how.
            }
            return;
        }
        Output.Complete();
    }

    /// <summary>Closes with a RST (Node's <c>resetAndDestroy()</c>).</summary>
    public void Reset() => Connection!.Abort(new ConnectionAbortedException("resetAndDestroy()"));

    /// <summary>The socket is done with the connection: tell the pipeline that handed it over, or dispose our own.</summary>
    public void Release()
    {
        if (_pipelineDone is not null)
        {
            _pipelineDone.TrySetResult();
        }
        else if (Connection is not null)
        {
            TransportFactory.Release(Connection);
        }
    }
}
