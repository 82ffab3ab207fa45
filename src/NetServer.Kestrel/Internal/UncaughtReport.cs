using System.Text;

namespace NetServer.Internal;

/// <summary>
/// What the process prints to standard error before it exits on an error nobody handled, shaped
/// like Node's report: the error's header and stack, then a Node error's own fields as
/// <c>util.inspect</c> prints them (<c>{ code: 'EADDRINUSE', errno: -98, ... }</c>).
/// </summary>
internal static class UncaughtReport
{
    public static string Format(Exception error)
    {
        if (error is not INodeError node)
        {
            // .NET's own rendering: type, message, inner exceptions and every stack trace.
            return error.ToString() + Environment.NewLine;
        }
        // The Node error types print Node's header (Error [CODE]: message, TypeError [CODE]: ...).
        var sb = new StringBuilder(error.ToString());
        if (error.StackTrace is { } stack)
        {
            sb.Append(Environment.NewLine).Append(stack.TrimEnd());
        }
        sb.Append(" {").Append(Environment.NewLine);
        var fields = Fields(node, error.InnerException);
        for (var i = 0; i < fields.Count; i++)
        {
            sb.Append("  ").Append(fields[i].Name).Append(": ").Append(fields[i].Value)
                .Append(i < fields.Count - 1 ? "," : "").Append(Environment.NewLine);
        }
        return sb.Append('}').Append(Environment.NewLine).ToString();
    }

    /// <summary>
    /// The fields in Node's order: a system error with an address comes from Node's
    /// <c>uvExceptionWithHostPort</c> (code, errno, syscall, address, port), one without from
    /// <c>errnoException</c> (errno, code, syscall).
    /// </summary>
    private static List<(string Name, string Value)> Fields(INodeError node, Exception? cause)
    {
        var code = ("code", Inspect.Quote(node.Code));
        var fields = new List<(string Name, string Value)>();
        if (node is INodeSystemError system)
        {
            var errno = ("errno", Inspect.Number(system.Errno));
            var syscall = ("syscall", Inspect.Quote(system.Syscall));
            if (system.Address is { } address)
            {
                fields.AddRange([code, errno, syscall, ("address", Inspect.Quote(address))]);
                if (system.Port is { } port)
                {
                    fields.Add(("port", Inspect.Number(port)));
                }
            }
            else
            {
                fields.AddRange([errno, code, syscall]);
            }
        }
        else
        {
            fields.Add(code);
        }
        if (cause is not null)
        {
            // Node prints an error's cause as [cause]; the .NET exception behind a Node error
            // (a SocketException, say) is what a reader needs to see next.
            fields.Add(("[cause]", $"{cause.GetType().FullName}: {cause.Message}"));
        }
        return fields;
    }
}
