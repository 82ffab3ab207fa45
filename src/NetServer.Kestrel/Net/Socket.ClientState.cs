namespace NetServer;

/// <summary>What only a client socket needs, kept off accepted sockets.</summary>
public sealed partial class Socket
{
    // Null on an accepted socket: the churn benchmark pays for every field of a socket per
    // connection, and none of these is used on the server side (unless a closed accepted socket
    // is connected again, which creates it then).
    private ClientState? _client;

    /// <summary>True while a client connects (Node's <c>connecting</c>); always false on an accepted socket.</summary>
    private bool ConnectingLocked => _client is { Connecting: true };

    /// <summary>
    /// The connect sequence's state (Node keeps these on the socket itself). Read and written under
    /// the socket's lock, except the options, which are fixed at construction.
    /// </summary>
    private sealed class ClientState(SocketOptions options)
    {
        public readonly bool NoDelay = options.NoDelay;
        public readonly bool KeepAlive = options.KeepAlive;
        public readonly int KeepAliveInitialDelay = Math.Max(0, options.KeepAliveInitialDelay);

        public bool Connecting;

        /// <summary>The first write made while connecting added the <c>"connect"</c> listener that sends it.</summary>
        public bool FlushOnConnectAdded;

        /// <summary>Cancels the connect in progress; lives from <c>Connect</c> to its end.</summary>
        public CancellationTokenSource? ConnectCancel;

        /// <summary>Node's <c>autoSelectFamilyAttemptedAddresses</c>, while family selection runs or after.</summary>
        public List<string>? AttemptedAddresses;

        // Given back at "close": a long-lived token (an application's stopping token) passed to
        // many sockets must not keep one registration per closed socket.
        public CancellationTokenRegistration SocketSignal;
        public CancellationTokenRegistration ConnectSignal;

        /// <summary>Writes of a socket destroyed before it connected, failed when <c>"close"</c> is emitted.</summary>
        public List<PendingWrite>? UnsentBeforeConnection;

        /// <summary>The error the socket was destroyed with while connecting, for those writes.</summary>
        public Exception? DestroyError;
    }
}
