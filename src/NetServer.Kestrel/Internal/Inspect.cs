using System.Globalization;
using System.Text;

namespace NetServer.Internal;

/// <summary>Prints C# values the way Node's error messages print JavaScript values.</summary>
internal static class Inspect
{
    /// <summary>Node's <c>Received type number (-1)</c> / <c>Received type string ('abc')</c> / <c>Received undefined</c>.</summary>
    public static string Received(object? value) => value switch
    {
        null => "undefined",
        string s => $"type string ({Quote(s)})",
        bool b => $"type boolean ({(b ? "true" : "false")})",
        int or long or double or float or short or byte or decimal => $"type number ({Number(value)})",
        _ => $"an instance of {value.GetType().Name}",
    };

    /// <summary>util.inspect-like rendering: strings quoted, numbers plain, objects via ToString.</summary>
    public static string Value(object? value) => value switch
    {
        null => "undefined",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int or long or double or float or short or byte or decimal => Number(value),
        _ => value.ToString() ?? value.GetType().Name,
    };

    /// <summary>util.inspect's string form: single quotes (double if the text has a single quote and no double one), control characters escaped as <c>\n</c>, <c>\x00</c>...</summary>
    public static string Quote(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    public static string Number(object? value) => value switch
    {
        double d when double.IsNaN(d) => "NaN",
        double d when double.IsPositiveInfinity(d) => "Infinity",
        double d when double.IsNegativeInfinity(d) => "-Infinity",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value(value),
    };

    /// <summary>Renders <c>{ Name: value, ... }</c> for the members that were set.</summary>
    public static string Object(IEnumerable<(string Name, object? Value)> members)
    {
        var sb = new StringBuilder();
        foreach (var (name, v) in members)
        {
            sb.Append(sb.Length == 0 ? "{ " : ", ").Append(name).Append(": ").Append(Value(v));
        }
        return sb.Length == 0 ? "{}" : sb.Append(" }").ToString();
    }
}
