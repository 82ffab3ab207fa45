namespace NetServer;

/// <summary>
/// Node's <c>AggregateError</c> from a client connect whose every family-selection attempt failed:
/// <see cref="Code"/> is the first attempt's code, <see cref="AggregateException.InnerExceptions"/>
/// holds each attempt's error in order, and the message is empty, as Node's.
/// </summary>
public sealed class NodeAggregateError : AggregateException, INodeError
{
    /// <summary>Creates the error from the attempts' errors, in attempt order.</summary>
    /// <param name="errors">At least one error.</param>
    public NodeAggregateError(IEnumerable<Exception> errors)
        : base(string.Empty, errors)
    {
        Code = InnerExceptions.Count > 0 && InnerExceptions[0] is INodeError first ? first.Code : "ERR_INTERNAL_ASSERTION";
    }

    /// <inheritdoc />
    public string Code { get; }

    /// <summary>Node's (empty) message; .NET's <see cref="AggregateException"/> would append each inner message.</summary>
    public override string Message => string.Empty;

    /// <summary>Prints like Node: <c>AggregateError [CODE]</c>.</summary>
    public override string ToString() => $"AggregateError [{Code}]";
}
