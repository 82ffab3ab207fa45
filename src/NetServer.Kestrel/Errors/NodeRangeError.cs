namespace NetServer;

/// <summary>Node's <c>RangeError</c> (e.g. <c>ERR_SOCKET_BAD_PORT</c>): a value outside the accepted range.</summary>
public sealed class NodeRangeError : ArgumentOutOfRangeException, INodeError
{
    private readonly string _message;

    /// <summary>Creates a range error with Node's code and message.</summary>
    /// <param name="code">Node's error code.</param>
    /// <param name="message">Node's message, verbatim.</param>
    public NodeRangeError(string code, string message)
        : base(null, message)
    {
        Code = code;
        _message = message;
    }

    /// <inheritdoc />
    public string Code { get; }

    /// <summary>Node's message verbatim (without the parameter suffix .NET would append).</summary>
    public override string Message => _message;

    /// <summary>Prints like Node: <c>RangeError [CODE]: message</c>.</summary>
    public override string ToString() => $"RangeError [{Code}]: {_message}";
}
