using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class SocketOptionTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    private static System.Net.Sockets.Socket Raw(Socket s) => s.Connection!.Features.Get<IConnectionSocketFeature>()!.Socket;

    [Fact]
    public async Task NoDelay_is_off_by_default_and_SetNoDelay_reaches_the_socket()
    {
        var seen = new TaskCompletionSource<(bool Initial, bool On, bool Off, bool Default)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            var raw = Raw(s);
            var initial = raw.NoDelay;
            Assert.Same(s, s.SetNoDelay(true));
            var on = raw.NoDelay;
            s.SetNoDelay(false);
            var off = raw.NoDelay;
            s.SetNoDelay();
            seen.SetResult((initial, on, off, raw.NoDelay));
        });
        await using var client = await h.ConnectAsync();
        var (initial, on, off, dflt) = await seen.Task.WithTimeout();
        Assert.False(initial);
        Assert.True(on);
        Assert.False(off);
        Assert.True(dflt);
    }

    [Fact]
    public async Task ServerOptions_NoDelay_applies_before_connection()
    {
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { NoDelay = true }, s => seen.SetResult(Raw(s).NoDelay));
        await using var client = await h.ConnectAsync();
        Assert.True(await seen.Task.WithTimeout());
    }

    [Fact]
    public async Task SetKeepAlive_reaches_the_socket()
    {
        var seen = new TaskCompletionSource<(bool Initial, bool On, int Time, bool Off)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            var raw = Raw(s);
            bool KeepAlive() => (int)raw.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
            var initial = KeepAlive();
            Assert.Same(s, s.SetKeepAlive(true, 7000));
            var on = KeepAlive();
            var time = (int)raw.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!;
            s.SetKeepAlive(false);
            seen.SetResult((initial, on, time, KeepAlive()));
        });
        await using var client = await h.ConnectAsync();
        var (initial, on, time, off) = await seen.Task.WithTimeout();
        Assert.False(initial);
        Assert.True(on);
        Assert.Equal(7, time);
        Assert.False(off);
    }

    [Fact]
    public async Task ServerOptions_KeepAlive_applies_before_connection()
    {
        var seen = new TaskCompletionSource<(bool On, int Time)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { KeepAlive = true, KeepAliveInitialDelay = 3000 }, s =>
        {
            var raw = Raw(s);
            seen.SetResult((
                (int)raw.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0,
                (int)raw.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!));
        });
        await using var client = await h.ConnectAsync();
        var (on, time) = await seen.Task.WithTimeout();
        Assert.True(on);
        Assert.Equal(3, time);
    }

    [Fact]
    public async Task HighWaterMark_option_reaches_both_sides()
    {
        var seen = new TaskCompletionSource<(int R, int W)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, new ServerOptions { HighWaterMark = 1234 }, s => seen.SetResult((s.ReadableHighWaterMark, s.WritableHighWaterMark)));
        await using var client = await h.ConnectAsync();
        Assert.Equal((1234, 1234), await seen.Task.WithTimeout());
    }
}
