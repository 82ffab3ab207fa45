using System.Collections.Concurrent;
using System.Globalization;
using NetServer.Kestrel.Tests.Infrastructure;
using NetServer.Kestrel.Tests.NodeDifferential;
using NetServer.Kestrel.Tests.ServerBehaviour;

namespace NetServer.Kestrel.Tests.EventsBehaviour;

/// <summary>Tests that redirect <see cref="Console.Error"/>, which is process-wide, run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleErrorGroup), DisableParallelization = true)]
public sealed class ConsoleErrorGroup;

/// <summary>Process warnings: <c>"warning"</c> on the loop, Node's MaxListenersExceededWarning, the default printer.</summary>
[Collection(nameof(ConsoleErrorGroup))]
public sealed class WarningTests : IDisposable
{
    private readonly TestLoop _t = new();
    private readonly ConcurrentQueue<NodeWarning> _warnings = new();

    public WarningTests() => _t.Loop.On<NodeWarning>("warning", _warnings.Enqueue);

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Exceeding_max_listeners_emits_warning_on_the_loop_a_tick_later_with_Nodes_fields_once_per_event()
    {
        var node = await NodeRunner.EvalAsync("""
            const { EventEmitter } = require('events');
            process.on('warning', w => console.log([w.name, w.type, w.count, w.message].join('|')));
            const server = require('net').createServer();
            for (let i = 0; i < 13; i++) server.on('connection', () => {});
            const plain = new EventEmitter();
            for (let i = 0; i < 11; i++) plain.on('leaky', () => {});
            """);

        // A server's warnings go to its loop, whichever thread adds the listeners.
        var server = _t.CreateServer();
        for (var i = 0; i < 13; i++)
        {
            server.On<Socket>("connection", _ => { });
        }
        // A plain emitter's go to the loop running the code that added the listener, a tick later (Node's nextTick).
        var plain = new EventEmitter();
        var beforeTheTick = await _t.Run(() =>
        {
            for (var i = 0; i < 11; i++)
            {
                plain.On("leaky", () => { });
            }
            return _warnings.Count;
        });
        await _t.Flush();

        var warnings = _warnings.Cast<MaxListenersExceededWarning>().ToList();
        Assert.Equal(1, beforeTheTick); // the server's only; the plain emitter's had not been emitted yet
        Assert.Equal(2, warnings.Count);
        Assert.Equal(node, warnings.Select(w => string.Join('|', w.Name, w.Type, w.Count.ToString(CultureInfo.InvariantCulture), w.Message)));
        Assert.Same(server, warnings[0].Emitter);
        Assert.Same(plain, warnings[1].Emitter);
        Assert.Equal("MaxListenersExceededWarning: " + warnings[1].Message, warnings[1].ToString());
    }

    [Fact]
    public async Task Max_listeners_zero_means_unlimited()
    {
        var e = new EventEmitter().SetMaxListeners(0);
        await _t.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                e.On("many", () => { });
            }
        });
        await _t.Flush();
        Assert.Empty(_warnings);
        Assert.Equal(50, e.ListenerCount("many"));
    }

    [Fact]
    public async Task The_default_listener_prints_Nodes_line_to_stderr_and_removing_it_silences_warnings()
    {
        Assert.Equal(2, _t.Loop.ListenerCount("warning")); // the default printer and this class's recorder
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(TextWriter.Synchronized(captured));
        try
        {
            var printed = Await.Next<NodeWarning>(_t.Loop, "warning"); // runs after the printer, added first
            _t.Loop.EmitWarning(new NodeWarning("DeprecationWarning", "an old way"));
            await printed;

            _t.Loop.RemoveAllListeners("warning");
            _t.Loop.EmitWarning(new NodeWarning("DeprecationWarning", "nobody hears this"));
            await _t.Flush();
        }
        finally
        {
            Console.SetError(original);
        }
        var lines = captured.ToString().Split(Environment.NewLine);
        Assert.Contains($"(node:{Environment.ProcessId}) DeprecationWarning: an old way", lines);
        Assert.DoesNotContain("nobody hears this", captured.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmitWarning_without_a_warning_throws_Nodes_type_error()
    {
        var e = Assert.Throws<NodeTypeError>(() => _t.Loop.EmitWarning(null!));
        Assert.Equal("ERR_INVALID_ARG_TYPE", e.Code);
        Assert.Equal("The \"warning\" argument must be of type string or an instance of Error. Received undefined", e.Message);
    }
}
