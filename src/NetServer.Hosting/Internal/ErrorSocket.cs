using System.Runtime.CompilerServices;

namespace NetServer.Hosting.Internal;

/// <summary>
/// Which emitter an unhandled error concerns, for the host's logs: the core's
/// <see cref="EventEmitter.SourceOf"/>, except that an error thrown straight out of an endpoint's
/// handler is put on the socket the handler was given. The core names the server there (the
/// handler is the server's <c>"connection"</c> listener), but the host wants the socket, to log its
/// peer and destroy it.
/// </summary>
internal static class ErrorSocket
{
    private static readonly ConditionalWeakTable<Exception, Socket> s_handlerErrors = new();

    /// <summary>Records that <paramref name="error"/> left the handler of <paramref name="socket"/>; always false (use as an exception filter, which catches nothing).</summary>
    public static bool TagHandlerError(Exception error, Socket socket)
    {
        s_handlerErrors.TryAdd(error, socket);
        return false;
    }

    /// <summary>The innermost socket the error came from, else the server (or other emitter), else null.</summary>
    public static EventEmitter? SourceOf(Exception error)
    {
        var source = EventEmitter.SourceOf(error);
        return source is not Socket && s_handlerErrors.TryGetValue(error, out var socket) ? socket : source;
    }
}
