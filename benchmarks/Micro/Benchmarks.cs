using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer.Benchmarks.Micro;

/// <summary>
/// EventEmitter.Emit through the public API (params object?[]: one array per call). The listeners
/// take no argument: in the current core, public Emit to an <c>On&lt;T&gt;</c> listener recurses
/// until the stack overflows (Listener.Invoke&lt;T&gt; rebinds to itself; see docs/benchmarks.md).
/// Socket "data" uses the internal allocation-free Emit1 instead.
/// </summary>
[MemoryDiagnoser]
public class EmitBenchmarks
{
    private readonly byte[] _chunk = new byte[64];
    private readonly EventEmitter _one = new();
    private readonly EventEmitter _three = new();
    private long _sink;

    [GlobalSetup]
    public void Setup()
    {
        _one.On("data", () => _sink++);
        for (var i = 0; i < 3; i++)
        {
            _three.On("data", () => _sink++);
        }
    }

    [Benchmark(Baseline = true)]
    public bool Emit_1_listener() => _one.Emit("data", _chunk);

    [Benchmark]
    public bool Emit_3_listeners() => _three.Emit("data", _chunk);
}

/// <summary>A callback posted from a pool thread to the loop, emitting "data" there.</summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet needs non-sealed classes and owns their lifetime: [GlobalCleanup] disposes.
public class LoopDispatchBenchmarks
#pragma warning restore CA1001
{
    private bool _disposed;

    private const int Batch = 1000;
    private readonly byte[] _chunk = new byte[64];
    private readonly EventEmitter _emitter = new();
    private EventLoop _loop = null!;
    private SemaphoreSlim _done = null!;
    private Action _emit = null!;
    private Action _emitAndSignal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _done = new SemaphoreSlim(0);
        long sink = 0;
        _emitter.On("data", () => sink++);
        _emit = () => _emitter.Emit("data", _chunk);
        _emitAndSignal = () =>
        {
            _emitter.Emit("data", _chunk);
            _done.Release();
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _loop.Dispose();
        _done.Dispose();
    }

    /// <summary>One post, one emit, one wake-up of the loop thread and of the waiter: the latency of a lone read.</summary>
    [Benchmark]
    public async Task Post_emit_roundtrip()
    {
        _loop.Post(_emitAndSignal);
        await _done.WaitAsync();
    }

    /// <summary>A burst of posts: the per-item cost when the loop is busy (what a loaded server sees).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Post_emit_burst()
    {
        for (var i = 0; i < Batch - 1; i++)
        {
            _loop.Post(_emit);
        }
        _loop.Post(_emitAndSignal);
        await _done.WaitAsync();
    }
}

/// <summary>
/// A real NetServer socket on loopback: a 64 B read travelling kernel → Kestrel → read loop → event
/// loop → "data" listener, and Write(64 B) until its callback (bytes handed to the kernel).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet needs non-sealed classes and owns their lifetime: [GlobalCleanup] disposes.
public class SocketBenchmarks
#pragma warning restore CA1001
{
    private bool _disposed;

    private const int Batch = 64;
    private readonly byte[] _chunk = new byte[64];
    private EventLoop _loop = null!;
    private Server _server = null!;
    private NetServer.Socket _socket = null!;
    private RawSocket _client = null!;
    private SemaphoreSlim _received = null!;
    private SemaphoreSlim _written = null!;
    private Action<Exception?> _onWritten = null!;
    private CancellationTokenSource _stop = null!;
    private Task _drain = Task.CompletedTask;
    private long _rx;
    private long _rxTarget;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _received = new SemaphoreSlim(0);
        _written = new SemaphoreSlim(0);
        _onWritten = _ => _written.Release();
        var accepted = new TaskCompletionSource<NetServer.Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new Server(new ServerOptions { Loop = _loop }, s =>
        {
            s.On<byte[]>("data", d =>
            {
                _rx += d.Length;
                if (_rx >= Volatile.Read(ref _rxTarget))
                {
                    _received.Release();
                }
            });
            accepted.TrySetResult(s);
        });
        _server.ListenAsync(0, "127.0.0.1").GetAwaiter().GetResult();
        var port = ((AddressInfo)_server.Address()!).Port;
        _client = new RawSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        _socket = accepted.Task.GetAwaiter().GetResult();
        _socket.SetNoDelay(true);
        _stop = new CancellationTokenSource();
        _drain = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            try
            {
                while (await _client.ReceiveAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop.Cancel();
        _client.Dispose();
        _drain.Wait(TimeSpan.FromSeconds(5));
        _server.CloseAsync().Wait(TimeSpan.FromSeconds(5));
        _loop.Dispose();
        _stop.Dispose();
        _received.Dispose();
        _written.Dispose();
    }

    /// <summary>Client sends 64 B; completes when the server's "data" listener has seen it.</summary>
    [Benchmark]
    public async Task Read_to_data_listener()
    {
        Volatile.Write(ref _rxTarget, _rxTarget + _chunk.Length);
        _client.Send(_chunk);
        await _received.WaitAsync();
    }

    /// <summary>Write(64 B) and wait for its callback (flushed to the kernel).</summary>
    [Benchmark]
    public async Task Write_and_flush()
    {
        _socket.Write(_chunk, _onWritten);
        await _written.WaitAsync();
    }

    /// <summary>64 writes of 64 B back to back, the last with a callback: per-write cost with batching.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Write_burst_then_flush()
    {
        for (var i = 0; i < Batch - 1; i++)
        {
            _socket.Write(_chunk);
        }
        _socket.Write(_chunk, _onWritten);
        await _written.WaitAsync();
    }
}
