namespace NetServer;

/// <summary>
/// Implemented by every exception NetServer throws or emits: carries Node's error <c>code</c>
/// (for example <c>ERR_SOCKET_BAD_PORT</c> or <c>EADDRINUSE</c>), so code ported from Node can
/// branch on <c>err.code</c> exactly as it did in JavaScript.
/// </summary>
public interface INodeError
{
    /// <summary>Node's error code, e.g. <c>ERR_SERVER_ALREADY_LISTEN</c> or <c>ECONNRESET</c>.</summary>
    string Code { get; }
}
