namespace NetServer;

/// <summary>Node's <c>TypeError</c> (e.g. <c>ERR_INVALID_ARG_TYPE</c>, <c>ERR_INVALID_ARG_VALUE</c>): an argument of the wrong kind.</summary>
public sealed class NodeTypeError : ArgumentException, INodeError
{
    private readonly string _message;

    /// <summary>Creates a type error with Node's code and message.</summary>
    /// <param name="code">Node's error code.</param>
    /// <param name="message">Node's message, verbatim.</param>
    public NodeTypeError(string code, string message)
        : base(message)
    {
        Code = code;
        _message = message;
    }

    /// <inheritdoc />
    public string Code { get; }

    /// <summary>Node's message verbatim (without the <c>(Parameter '…')</c> suffix .NET would append).</summary>
    public override string Message => _message;

    /// <summary>Prints like Node: <c>TypeError [CODE]: message</c>.</summary>
    public override string ToString() => $"TypeError [{Code}]: {_message}";
}
