namespace NetServer;

/// <summary>
/// Who keeps books on a socket's life: a <see cref="Server"/> counts its connections (Node
/// decrements <c>server._connections</c> synchronously in <c>destroy()</c>). A client socket has
/// no owner, which is why a <see cref="Socket"/> needs no server to exist.
/// </summary>
internal interface ISocketOwner
{
    /// <summary>Called once, synchronously, when the socket is destroyed.</summary>
    void OnSocketDestroyed();
}
