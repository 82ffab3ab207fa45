namespace NetServer;

/// <summary>Node's plain <c>Error</c> with a <c>code</c>: a state error such as <c>ERR_SERVER_NOT_RUNNING</c>.</summary>
public class NodeError : Exception, INodeError
{
    /// <summary>Creates an error with Node's code and message.</summary>
    /// <param name="code">Node's error code.</param>
    /// <param name="message">Node's message, verbatim.</param>
    /// <param name="innerException">The .NET exception behind it, if any.</param>
    public NodeError(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <inheritdoc />
    public string Code { get; }

    /// <summary>Prints like Node: <c>Error [CODE]: message</c>.</summary>
    public override string ToString() => $"Error [{Code}]: {Message}";
}
