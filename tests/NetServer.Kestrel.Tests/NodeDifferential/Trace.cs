using System.Globalization;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// The C# side of a scenario's event trace: lines formatted like the JS <c>log(...)</c> of
/// NodeScenarios/_lib.js (arguments joined by spaces; true/false/null as JS prints them).
/// Thread-safe: server callbacks log on the loop thread, the client driver on the test thread.
/// </summary>
public sealed class Trace
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Prefix, TaskCompletionSource Tcs)> _waiters = [];

    /// <summary>Prints one trace line.</summary>
    public void Log(params object?[] parts)
    {
        var line = string.Join(' ', parts.Select(Format));
        List<TaskCompletionSource> ready = [];
        lock (_lock)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.StartsWith(_waiters[i].Prefix, StringComparison.Ordinal))
                {
                    ready.Add(_waiters[i].Tcs);
                    _waiters.RemoveAt(i);
                }
            }
        }
        foreach (var tcs in ready)
        {
            tcs.TrySetResult();
        }
    }

    /// <summary>The scenario's last line (the JS side exits there).</summary>
    public void Done() => Log("done");

    /// <summary>Completes once a line starting with <paramref name="prefix"/> has been logged (already, or later).</summary>
    public Task WaitFor(string prefix)
    {
        lock (_lock)
        {
            if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((prefix, tcs));
            return tcs.Task.WaitAsync(Infrastructure.TestLoop.Timeout).ContinueWith(
                t => t.IsFaulted ? throw new TimeoutException($"No trace line starting with '{prefix}'.") : Task.CompletedTask,
                TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>The lines so far, up to and including the first <c>done</c> (Node exits there).</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock)
        {
            var end = _lines.IndexOf("done");
            return end < 0 ? [.. _lines] : _lines.Take(end + 1).ToList();
        }
    }

    /// <summary>JS <c>String(value)</c> for the values scenarios print.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    /// <summary>JS <c>JSON.stringify</c> of a plain string (no escapes needed in these scenarios).</summary>
    public static string Json(string s) => "\"" + s + "\"";

    /// <summary>A C# null where Node has <c>undefined</c>.</summary>
    public static object Undef(object? value) => value ?? "undefined";
}
