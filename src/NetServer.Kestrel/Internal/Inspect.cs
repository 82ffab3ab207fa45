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
        string s => $"type string ('{s}')",
        bool b => $"type boolean ({(b ? "true" : "false")})",
        int or long or double or float or short or byte or decimal => $"type number ({Number(value)})",
        _ => $"an instance of {value.GetType().Name}",
    };

    /// <summary>util.inspect-like rendering: strings quoted, numbers plain, objects via ToString.</summary>
    public static string Value(object? value) => value switch
    {
        null => "undefined",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        int or long or double or float or short or byte or decimal => Number(value),
        _ => value.ToString() ?? value.GetType().Name,
    };

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
