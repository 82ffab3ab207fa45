using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.EventsBehaviour;

/// <summary>
/// I/O events may be run by the transport thread that produced them (no thread switch), so these
/// tests prove what users rely on instead of "one OS thread": callbacks of a loop never overlap,
/// whichever thread runs them, and each one sees itself on the loop.
/// </summary>
public sealed class LoopExclusivityTests : IDisposable
{
    private const int Clients = 8;
    private const int MessagesPerClient = 200;

    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Data_callbacks_posted_callbacks_and_timers_never_overlap()
    {
        var active = 0;
        var overlaps = 0;
        var offLoop = 0;
        void Enter()
        {
            if (Interlocked.Increment(ref active) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }
            if (!_t.Loop.IsOnLoopThread)
            {
                Interlocked.Increment(ref offLoop);
            }
            Thread.SpinWait(200);
        }
        void Leave() => Interlocked.Decrement(ref active);

        await using var server = _t.CreateServer(socket =>
        {
            socket.On<byte[]>("data", chunk =>
            {
                Enter();
                socket.Write(chunk);
                Leave();
            });
        });
        await server.ListenAsync(0, "127.0.0.1");

        // Competing work from outside the transport: posts from a pool thread and short timers.
        using var stop = new CancellationTokenSource();
        var poster = Task.Run(async () =>
        {
            for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
            {
                _t.Loop.Post(() =>
                {
                    Enter();
                    Leave();
                });
                _t.Loop.SetTimeout(() =>
                {
                    Enter();
                    Leave();
                }, 1);
                await Task.Yield();
            }
        });

        var echoes = Enumerable.Range(0, Clients).Select(async c =>
        {
            await using var client = await Client.ConnectAsync(server);
            for (var i = 0; i < MessagesPerClient; i++)
            {
                var message = new byte[] { (byte)c, (byte)i, (byte)(i >> 8), 0x2a };
                await client.SendAsync(message);
                Assert.Equal(message, await client.ReadExactlyAsync(message.Length));
            }
        });
        await Task.WhenAll(echoes).WithTimeout();
        await stop.CancelAsync();
        await poster.WithTimeout();

        Assert.Equal(0, overlaps);
        Assert.Equal(0, offLoop);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task An_await_inside_a_data_callback_resumes_on_the_loop()
    {
        var resumed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = _t.CreateServer(socket =>
        {
            socket.On<byte[]>("data", async _ =>
            {
                await Task.Delay(1);
                resumed.TrySetResult(_t.Loop.IsOnLoopThread);
            });
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using var client = await Client.ConnectAsync(server);
        await client.SendAsync("x");

        Assert.True(await resumed.Task.WithTimeout());
    }
}
