using System.Diagnostics;
using System.Runtime.ExceptionServices;
using NetServer.Events;
using NetServer.Internal;

namespace NetServer;

/// <summary>What the loop does with errors nobody handled and with warnings: Node's process-level events.</summary>
public sealed partial class EventLoop
{
    /// <summary>
    /// Node's <c>process.emitWarning</c>: emits <c>"warning"</c> with <paramref name="warning"/> on
    /// the loop, a tick later. A new loop's only <c>"warning"</c> listener prints
    /// <c>(node:PID) Name: message</c> to standard error, as Node's process does.
    /// </summary>
    /// <param name="warning">The warning.</param>
    public void EmitWarning(NodeWarning warning)
    {
        if (warning is null)
        {
            throw NodeErrors.InvalidArgType("warning", "of type string or an instance of Error", null);
        }
        NextTick(() => Emit1("warning", warning));
    }

    /// <summary>
    /// Routes an error nobody handled: <c>"uncaughtException"</c> listeners get it with its origin
    /// (Node's <c>(err, origin)</c>); with none, the process ends with exit code 1, and when a
    /// listener itself throws, with 7 (Node's "internal exception handler run-time failure").
    /// Called by whichever thread holds the loop.
    /// </summary>
    internal void ReportUncaught(Exception error, string origin = "uncaughtException")
    {
        if (!HasListeners("uncaughtException"))
        {
            Fail(error, 1);
            return;
        }
        try
        {
            Emit("uncaughtException", error, origin);
        }
        catch (Exception handlerError)
        {
            Fail(handlerError, 7);
        }
    }

    /// <summary>
    /// Stops the loop for good: no callback runs after this one, and the loop's own thread ends
    /// the process (<see cref="Die"/>). Not done on the calling thread, which may be a transport
    /// thread whose catch blocks would swallow a throw, and which holds the loop.
    /// </summary>
    private void Fail(Exception error, int exitCode)
    {
        lock (_gate)
        {
            if (_fatal is null)
            {
                _fatal = ExceptionDispatchInfo.Capture(error);
                _fatalExitCode = exitCode;
            }
            WakeLocked();
        }
    }

    /// <summary>
    /// Ends the process as Node does on an uncaught error: the error's report on standard error
    /// (<see cref="UncaughtReport"/>), then <see cref="Environment.Exit"/>, which runs
    /// <c>AppDomain.ProcessExit</c> handlers (Node's <c>'exit'</c>). Under a debugger the error is
    /// rethrown instead, with its original stack, so the debugger stops on it as unhandled.
    /// Runs on the loop's own thread, holding neither the loop nor its lock, so an exit handler
    /// may still post to the loop without blocking; the callback never runs, so a handler that
    /// waits for one waits forever (Node's <c>'exit'</c> listeners cannot wait for the loop either).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Die(ExceptionDispatchInfo fatal, int exitCode)
    {
        if (Debugger.IsAttached)
        {
            fatal.Throw();
        }
        try
        {
            Console.Error.Write(UncaughtReport.Format(fatal.SourceException));
            Console.Error.Flush();
        }
        catch (IOException)
        {
            // Standard error is gone (a closed pipe): the exit code still tells.
        }
        Environment.Exit(exitCode);
        throw new UnreachableException();
    }

    /// <summary>The default <c>"warning"</c> listener: Node's format, including its <c>(node:PID)</c>
    /// prefix, so output and the tools that scan it for warnings read the same as under Node.</summary>
    private static void PrintWarning(NodeWarning warning) =>
        Console.Error.WriteLine($"(node:{Environment.ProcessId}) {warning.Name}: {warning.Message}");

    /// <summary>
    /// A task's exception thrown on this loop was never observed (reported from the finalizer
    /// thread): <c>"unhandledRejection"</c> <c>(error, task)</c> on the loop, or with no listener an
    /// uncaught exception of origin <c>"unhandledRejection"</c>, Node's default
    /// (<c>--unhandled-rejections=throw</c>).
    /// </summary>
    internal void ReportRejection(Exception error, Task? task) => Post(() =>
    {
        if (HasListeners("unhandledRejection"))
        {
            Emit("unhandledRejection", error, task);
        }
        else
        {
            ReportUncaught(error, "unhandledRejection");
        }
    });
}
