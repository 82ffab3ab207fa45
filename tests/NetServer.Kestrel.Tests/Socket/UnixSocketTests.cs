using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class UnixSocketTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Unix_socket_echo_has_the_same_life_cycle_and_no_address_information()
    {
        Recorder? rec = null;
        var props = new TaskCompletionSource<object?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions(), s =>
        {
            props.SetResult([s.RemoteAddress, s.RemotePort, s.RemoteFamily, s.LocalAddress, s.LocalPort, s.LocalFamily, s.Address()]);
            rec = Recorder.Attach(s, data: false);
            s.Pipe(s);
            s.On<byte[]>("data", d => rec.Add("data:" + d.Length));
        }, unix: true);
        Assert.IsType<string>(h.Server.Address());
        await using var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        Assert.All(await props.Task.WithTimeout(), Assert.Null);
        await client.SendAsync("hello unix");
        Assert.Equal("hello unix", await client.ReadStringAsync(10));
        client.ShutdownSend();
        Assert.Equal("", await client.ReadToEndAsync());
        Assert.False(await rec!.Closed);
        Assert.Equal(["connection", "data:10", "end:writeOnly", "finish:closed", "close:False"], rec.Events);
        Assert.Equal(10, socket.BytesRead);
        Assert.Equal(10, socket.BytesWritten);
    }
}
