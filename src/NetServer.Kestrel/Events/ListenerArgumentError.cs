using System.Text;

namespace NetServer.Events;

/// <summary>
/// Words the <see cref="InvalidCastException"/> for an event argument a listener cannot take, e.g.
/// <c>socket.On&lt;string&gt;("data", ...)</c> on a socket without an encoding. Built only when the
/// type test has already failed, so emitting costs nothing extra.
/// </summary>
internal static class ListenerArgumentError
{
    public static InvalidCastException Create(EventEmitter emitter, string eventName, Delegate listener, int index, object argument)
    {
        var parameters = listener.GetType().GetGenericArguments();
        var expected = index < parameters.Length ? parameters[index] : typeof(object);
        var message = new StringBuilder()
            .Append("The \"").Append(eventName).Append("\" listener on ").Append(emitter.GetType().Name)
            .Append(" is ").Append(WithArticle(TypeName(listener.GetType())))
            .Append(", but the event's ").Append(index == 0 ? "first" : "second").Append(" argument is ")
            .Append(WithArticle(TypeName(argument.GetType())));
        if (emitter is Socket && eventName == "data")
        {
            if (argument is byte[] && expected == typeof(string))
            {
                message.Append(": call SetEncoding(\"utf8\") to receive strings, or listen with On<byte[]>");
            }
            else if (argument is string && expected == typeof(byte[]))
            {
                message.Append(": the socket has an encoding (SetEncoding), so \"data\" delivers strings; listen with On<string>, or call SetEncoding(null) to receive bytes");
            }
        }
        return new InvalidCastException(message.Append('.').ToString());
    }

    private static string WithArticle(string noun) => ("AEIOUaeiou".Contains(noun[0], StringComparison.Ordinal) ? "an " : "a ") + noun;

    /// <summary>The C# spelling of a type: <c>Action&lt;string&gt;</c>, <c>byte[]</c>, <c>int</c>.</summary>
    internal static string TypeName(Type type)
    {
        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + "?";
        }
        if (type.IsEnum)
        {
            return type.Name;
        }
        if (type.IsGenericType)
        {
            var name = type.Name;
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">";
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.Char => "char",
            TypeCode.Int16 => "short",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Double => "double",
            TypeCode.Single => "float",
            TypeCode.Decimal => "decimal",
            TypeCode.String => "string",
            _ => type == typeof(object) ? "object" : type.Name,
        };
    }
}
