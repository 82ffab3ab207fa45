using NetServer.Kestrel.Tests.ChildProcesses;
using NetServer.Kestrel.Tests.NodeDifferential;

namespace NetServer.Kestrel.Tests.Faults;

/// <summary>
/// An error nobody handles ends the process as in Node: the report on standard error, then exit
/// code 1 (7 when the uncaughtException listener itself throws). Each case runs in a child process.
/// </summary>
public sealed class UncaughtExitTests
{
    [Fact]
    public async Task An_unhandled_listen_error_prints_the_stack_and_Nodes_fields_and_exits_with_1_as_Node_does()
    {
        var node = await NodeRunner.EvalToExitAsync("""
            const net = require('net');
            const holder = net.createServer().listen(0, '127.0.0.1', () => {
              console.log(holder.address().port);
              net.createServer().listen(holder.address().port, '127.0.0.1');
            });
            """);
        var ours = await Child.RunAsync("listen-eaddrinuse");

        Assert.Equal(1, node.ExitCode);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        var port = Lines(ours.Stdout)[0];
        var stderr = Lines(ours.Stderr);
        Assert.Equal($"Error: listen EADDRINUSE: address already in use 127.0.0.1:{port}", stderr[0]);
        Assert.StartsWith("   at ", stderr[1], StringComparison.Ordinal);
        // The fields block is Node's (ports aside), plus the .NET exception behind the error as its [cause].
        var fields = FieldsBlock(ours.Stderr, port);
        Assert.Equal(
            ["  code: 'EADDRINUSE',", "  errno: -98,", "  syscall: 'listen',", "  address: '127.0.0.1',", "  port: PORT,"],
            fields[..5]);
        Assert.StartsWith("  [cause]: System.Net.Sockets.SocketException: ", fields[5], StringComparison.Ordinal);
        Assert.Equal("}", fields[6]);
        Assert.Equal(FieldsBlock(node.Stderr, Lines(node.Stdout)[0]), [.. fields[..4], "  port: PORT", "}"]);
        Assert.Contains("ProcessExit ran", Lines(ours.Stdout)); // Node's 'exit' event runs too
    }

    [Fact]
    public async Task An_exception_thrown_by_a_callback_prints_its_type_message_and_stack_exits_with_1_and_nothing_runs_after_it()
    {
        var ours = await Child.RunAsync("throw-in-timer");

        Assert.Equal(1, ours.ExitCode);
        var stderr = Lines(ours.Stderr);
        Assert.Equal("System.InvalidOperationException: boom in a timer", stderr[0]);
        Assert.Contains(stderr, l => l.StartsWith("   at ", StringComparison.Ordinal) && l.Contains("ChildProgram", StringComparison.Ordinal));
        Assert.DoesNotContain(" {", ours.Stderr, StringComparison.Ordinal); // a .NET exception has no Node fields
        Assert.DoesNotContain("a later timer ran", ours.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("the loop went idle", ours.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exception_in_a_data_listener_ends_the_process_the_same_way_whichever_thread_runs_the_loop()
    {
        var ours = await Child.RunAsync("string-data-listener");

        Assert.Equal(1, ours.ExitCode);
        Assert.StartsWith(
            "System.InvalidCastException: The \"data\" listener on Socket is an Action<string>, but the event's first argument is a byte[]",
            Lines(ours.Stderr)[0],
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_uncaughtException_listener_that_throws_ends_the_process_with_7_as_Node_does()
    {
        var node = await NodeRunner.EvalToExitAsync(
            "process.on('uncaughtException', () => { throw new Error('the listener failed too'); }); setTimeout(() => { throw new Error('first'); }, 1);");
        var ours = await Child.RunAsync("throwing-uncaught-listener");

        Assert.Equal(7, node.ExitCode);
        Assert.Equal(node.ExitCode, ours.ExitCode);
        Assert.Equal("System.InvalidOperationException: the listener failed too", Lines(ours.Stderr)[0]);
    }

    [Fact]
    public void The_report_of_a_Node_error_without_an_address_has_Nodes_header_and_field_order()
    {
        // Node: `Error [ERR_SERVER_NOT_RUNNING]: Server is not running.` ... `{ code: ... }`, and
        // errnoException's order (errno first) for a system error with no address, e.g. read ECONNRESET.
        var notRunning = Lines(Internal.UncaughtReport.Format(Internal.NodeErrors.ServerNotRunning()));
        Assert.Equal(["Error [ERR_SERVER_NOT_RUNNING]: Server is not running. {", "  code: 'ERR_SERVER_NOT_RUNNING'", "}"], notRunning);
        var reset = Lines(Internal.UncaughtReport.Format(Internal.NodeErrors.SystemCall("ECONNRESET", "read")));
        Assert.Equal(["Error: read ECONNRESET {", "  errno: -104,", "  code: 'ECONNRESET',", "  syscall: 'read'", "}"], reset);
    }

    private static List<string> Lines(string text) => [.. NodeRunner.SplitLines(text)];

    /// <summary>The lines after the one ending in " {" up to the closing brace, with the port replaced.</summary>
    private static List<string> FieldsBlock(string stderr, string port)
    {
        var lines = Lines(stderr);
        var open = lines.FindIndex(l => l.EndsWith(" {", StringComparison.Ordinal));
        Assert.True(open >= 0, "no fields block in:\n" + stderr);
        var close = lines.FindIndex(open, l => l == "}");
        return [.. lines[(open + 1)..(close + 1)].Select(l => l.Replace(port, "PORT", StringComparison.Ordinal))];
    }
}
