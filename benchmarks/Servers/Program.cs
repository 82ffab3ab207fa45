// Echo servers for benchmarks/run.sh: `Servers <kestrel|events|pipe|zerocopy|multiloop> [unixPath]`.
// BENCH_INLINE=1 makes raw Kestrel use UnsafePreferInlineScheduling (the tuned-Kestrel baseline);
// run.sh sets it together with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 for the "-inline" variants.
// Each listens on 127.0.0.1 with an ephemeral port (and on unixPath when given), then prints
// "READY tcp=<port> unix=<path|->". SIGHUP prints "ALLOC <bytes> <gen0> <gen1> <gen2>"
// (GC.GetTotalAllocatedBytes(precise) and collection counts) so the load generator can bracket its
// measured window; SIGTERM/SIGINT exit.
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetServer;

var mode = args.Length > 0 ? args[0] : "";
var unixPath = args.Length > 1 ? args[1] : null;
if (unixPath is not null && File.Exists(unixPath))
{
    File.Delete(unixPath);
}

using var allocTrace = Environment.GetEnvironmentVariable("BENCH_ALLOCTRACE") == "1" ? new AllocTrace() : null;
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"ALLOC {GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}"));
    foreach (var (type, ticks) in AllocTrace.Types.OrderByDescending(kv => kv.Value).Take(12))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ALLOCTYPE {ticks} {type}"));
    }
});
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.TrySetResult();
});
using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
{
    ctx.Cancel = true;
    stop.TrySetResult();
});

switch (mode)
{
    case "kestrel":
        await RunKestrelAsync(unixPath, stop.Task);
        break;
    case "events":
    case "pipe":
    case "zerocopy":
    case "multiloop":
        await RunNetServerAsync(mode, unixPath, stop.Task);
        break;
    default:
        await Console.Error.WriteLineAsync("usage: Servers <kestrel|events|pipe|zerocopy|multiloop> [unixPath]");
        return 1;
}
return 0;

// Raw Kestrel, hosted the supported way: WebApplication.CreateSlimBuilder + ConfigureKestrel +
// UseConnectionHandler, default SocketTransportOptions (DI path: PinnedBlockMemoryPool, IOQueues).
static async Task RunKestrelAsync(string? unixPath, Task stop)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    if (Environment.GetEnvironmentVariable("BENCH_INLINE") == "1")
    {
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
    }
    builder.WebHost.ConfigureKestrel(o =>
    {
        o.Listen(IPAddress.Loopback, 0, l => l.UseConnectionHandler<EchoHandler>());
        if (unixPath is not null)
        {
            o.ListenUnixSocket(unixPath, l => l.UseConnectionHandler<EchoHandler>());
        }
    });
    await using var app = builder.Build();
    await app.StartAsync();
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
    var tcp = addresses.Select(a => new Uri(a)).First(u => u.Host == "127.0.0.1").Port;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY tcp={tcp} unix={unixPath ?? "-"}"));
    await stop;
    await app.StopAsync();
}

// NetServer on EventLoop.Default: the Node-style event API (`data` -> `write`), `socket.Pipe(socket)`,
// the zero-copy path (`OnRead` -> `Write(ReadOnlySequence)`), or the event API in multi-loop mode
// (one loop per processor the process may use).
static async Task RunNetServerAsync(string mode, string? unixPath, Task stop)
{
    var loop = EventLoop.Default;
    void OnConnection(Socket socket)
    {
        socket.On<Exception>("error", _ => { });
        switch (mode)
        {
            case "pipe":
                socket.Pipe(socket);
                break;
            case "zerocopy":
                socket.OnRead(static (s, data) => s.Write(data));
                break;
            default:
                socket.On<byte[]>("data", d => socket.Write(d));
                break;
        }
    }
    IReadOnlyList<EventLoop>? loops = mode == "multiloop"
        ? [.. Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new EventLoop())]
        : null;
    var tcp = new Server(new ServerOptions { Loop = loop, Loops = loops }, OnConnection);
    await tcp.ListenAsync(0, "127.0.0.1");
    Server? ipc = null;
    if (unixPath is not null)
    {
        ipc = new Server(new ServerOptions { Loop = loop, Loops = loops }, OnConnection);
        await ipc.ListenAsync(new ServerListenOptions { Path = unixPath });
    }
    var port = ((AddressInfo)tcp.Address()!).Port;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY tcp={port} unix={unixPath ?? "-"}"));
    await stop;
    await tcp.DisposeAsync();
    if (ipc is not null)
    {
        await ipc.DisposeAsync();
    }
}

/// <summary>The canonical Kestrel echo: copy each read into the output pipe, flush, repeat.</summary>
internal sealed class EchoHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    output.Write(segment.Span);
                }
                input.AdvanceTo(buffer.End);
                var flush = await output.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException)
        {
            // The peer went away; nothing to echo.
        }
        catch (IOException)
        {
            // Likewise.
        }
        await input.CompleteAsync();
        await output.CompleteAsync();
    }
}
