using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.Validation;

/// <summary>
/// A 300-character host name: .NET refuses it before asking the resolver; Node 24 reports
/// <c>getaddrinfo EINVAL</c> with the host name, as an "error" event, for listen and connect alike.
/// </summary>
public sealed class LongHostNameTests : IDisposable
{
    private static readonly string LongHost = new('a', 300);
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Listen_on_an_over_long_host_name_emits_getaddrinfo_EINVAL()
    {
        var server = _t.CreateServer();
        var error = Await.Next<Exception>(server, "error");
        server.Listen(0, LongHost);
        var e = Assert.IsType<NodeSystemError>(await error.WithTimeout());
        Assert.Equal(("EINVAL", -22, "getaddrinfo", LongHost), (e.Code, e.Errno, e.Syscall, e.Hostname));
        Assert.Equal("getaddrinfo EINVAL " + LongHost, e.Message);
        Assert.False(server.Listening);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task Connect_to_an_over_long_host_name_emits_lookup_then_error_then_close()
    {
        var events = new List<string>();
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _t.Run(() =>
        {
            var socket = new Socket(new SocketOptions { Loop = _t.Loop });
            socket.On<Exception?, string?, int?, string>("lookup", (err, address, family, host) =>
                events.Add($"lookup {(err as INodeError)?.Code} {address ?? "null"} {family?.ToString() ?? "null"} {host.Length}"));
            socket.On<Exception>("error", err =>
            {
                var e = (NodeSystemError)err;
                events.Add($"error {e.Code} {e.Syscall} {e.Hostname!.Length} {e.Message == "getaddrinfo EINVAL " + LongHost}");
            });
            socket.On<bool>("close", hadError => closed.TrySetResult(hadError));
            socket.Connect(80, LongHost);
        });
        Assert.True(await closed.Task.WithTimeout());
        Assert.Equal(["lookup EINVAL null null 300", "error EINVAL getaddrinfo 300 True"], events);
        Assert.Empty(_t.Uncaught);
    }
}
