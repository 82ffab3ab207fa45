namespace NetServer;

/// <summary>
/// A process warning, Node's <c>process.emitWarning</c> object: an error that is never thrown,
/// delivered to the loop's <c>"warning"</c> listeners (<see cref="EventLoop.EmitWarning"/>).
/// </summary>
public class NodeWarning : Exception
{
    /// <summary>Creates a warning.</summary>
    /// <param name="name">The warning's kind, Node's <c>warning.name</c> (Node's default is <c>Warning</c>).</param>
    /// <param name="message">The text, Node's <c>warning.message</c>.</param>
    public NodeWarning(string name, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The warning's kind, e.g. <c>MaxListenersExceededWarning</c> (Node's <c>warning.name</c>).</summary>
    public string Name { get; }

    /// <summary>Prints like Node: <c>Name: message</c>.</summary>
    public override string ToString() => $"{Name}: {Message}";
}
