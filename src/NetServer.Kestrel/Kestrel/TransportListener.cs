using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using NetServer.Internal;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer.Kestrel;

/// <summary>
/// One listening socket of ours with an accept loop, whose accepted sockets Kestrel's
/// <see cref="SocketConnectionContextFactory"/> turns into <see cref="ConnectionContext"/>s: Kestrel
/// carries every byte, we own bind, listen and accept (Node's <c>createServerHandle</c>).
/// </summary>
/// <remarks>
/// Owning the listen socket gives what Kestrel's listener factory hides: a synchronous bind (Node
/// binds synchronously when no host is given), a per-listen backlog, <c>SO_REUSEADDR</c> set the way
/// libuv sets it, <c>SO_REUSEPORT</c>, <c>IPV6_V6ONLY</c>, socket-file modes, inherited fds, and
/// accept errors that reach the server's <c>"error"</c> event. See docs/design.md for the measurements.
/// </remarks>
internal sealed class TransportListener
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    private readonly RawSocket _socket;
    private readonly bool _ownsHandle;
    private volatile bool _stopped;

    private TransportListener(RawSocket socket, bool ownsHandle)
    {
        _socket = socket;
        _ownsHandle = ownsHandle;
        LocalEndPoint = socket.LocalEndPoint;
    }

    /// <summary>The bound address (port 0 resolved to the real port).</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>Binds and listens on a TCP endpoint. Throws <see cref="SocketException"/> on failure.</summary>
    public static TransportListener BindTcp(IPEndPoint endPoint, int backlog, bool ipv6Only, bool reusePort)
    {
        var socket = new RawSocket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // The raw option, not SetSocketOption(ReuseAddress): .NET's managed option also sets
            // SO_REUSEPORT on Linux, which would let a second listener steal a live port.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            if (reusePort)
            {
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = !ipv6Only;
            }
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return new TransportListener(socket, ownsHandle: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds and listens on a Unix domain socket path, then sets Node 24's file mode.</summary>
    public static TransportListener BindUnix(string path, int backlog, bool readableAll, bool writableAll)
    {
        var socket = new RawSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(backlog);
            if ((readableAll || writableAll) && !path.StartsWith('\0') && !OperatingSystem.IsWindows())
            {
                // Node 24 (libuv uv_pipe_chmod) sets exactly these bits, it does not OR them in.
                var mode = (readableAll ? UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead : 0)
                    | (writableAll ? UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite : 0);
                File.SetUnixFileMode(path, mode);
            }
            return new TransportListener(socket, ownsHandle: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Listens on an inherited, already-bound socket descriptor; the descriptor is not closed on stop.</summary>
    public static TransportListener Adopt(int fd, int backlog)
    {
        var socket = new RawSocket(new SafeSocketHandle((IntPtr)fd, ownsHandle: false));
        try
        {
            socket.Listen(backlog);
            return new TransportListener(socket, ownsHandle: false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts the accept loop on the thread pool.</summary>
    /// <param name="onConnection">Takes each accepted connection; its taker disposes it (<see cref="TransportFactory.Release"/>).</param>
    /// <param name="onAcceptError">Reports an accept failure (EMFILE...); the loop keeps listening.</param>
    public void Start(Action<ConnectionContext> onConnection, Action<Exception> onAcceptError) =>
        _ = Task.Run(() => RunAcceptLoopAsync(onConnection, onAcceptError));

    /// <summary>Nobody awaits the accept loop, so whatever ends it unexpectedly is reported, never lost.</summary>
    private async Task RunAcceptLoopAsync(Action<ConnectionContext> onConnection, Action<Exception> onAcceptError)
    {
        try
        {
            await AcceptLoopAsync(onConnection, onAcceptError).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopped)
        {
            onAcceptError(ex);
        }
        catch (Exception) when (_stopped)
        {
            // Stopped meanwhile: the listener is gone and nobody is waiting for its accepts.
        }
    }

    /// <summary>Stops accepting at once: new clients are refused, a socket file is unlinked by the runtime.</summary>
    public void Stop()
    {
        _stopped = true;
        if (!_ownsHandle)
        {
            // An adopted descriptor stays open for its owner; only our wrapper goes away. Node closes
            // the handle, so clients must be refused from now on: shutdown(2) on a listening socket
            // stops listening (and wakes the pending accept) without closing the descriptor.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            _socket.Dispose();
            return;
        }
        _socket.Dispose();
    }

    private async Task AcceptLoopAsync(Action<ConnectionContext> onConnection, Action<Exception> onAcceptError)
    {
        while (!_stopped)
        {
            RawSocket accepted;
            try
            {
                accepted = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stopped)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The peer gave up while queued in the backlog; nothing to report (libuv retries too).
                continue;
            }
            catch (SocketException ex)
            {
                onAcceptError(ex);
                // Out of descriptors: give others a moment to close rather than spin on accept.
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }

            ConnectionContext connection;
            try
            {
                connection = TransportFactory.Create(accepted);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                accepted.Dispose();
                continue;
            }
            onConnection(connection);
        }
    }
}
