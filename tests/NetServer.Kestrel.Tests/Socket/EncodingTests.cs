using System.Text;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.SocketBehaviour;

public sealed class EncodingTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    private async Task<(List<object> Chunks, Task<bool> Closed, Socket Socket, Harness H, Client Client)> StartAsync(string encoding)
    {
        var chunks = new List<object>();
        Recorder? rec = null;
        var h = await Harness.StartAsync(_t, s =>
        {
            s.SetEncoding(encoding);
            s.On<object>("data", d => chunks.Add(d));
            rec = Recorder.Attach(s, data: false);
        });
        var client = await h.ConnectAsync();
        var socket = await h.NextSocketAsync();
        return (chunks, rec!.Closed, socket, h, client);
    }

    [Fact]
    public async Task A_string_data_listener_on_a_socket_without_an_encoding_fails_saying_what_to_do()
    {
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await using var h = await Harness.StartAsync(_t, s => s.On<string>("data", _ => { }));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("hello");
        var e = Assert.IsType<InvalidCastException>(await uncaught.WithTimeout());
        Assert.Equal(
            "The \"data\" listener on Socket is an Action<string>, but the event's first argument is a byte[]: "
                + "call SetEncoding(\"utf8\") to receive strings, or listen with On<byte[]>.",
            e.Message);
        Assert.Same(await h.NextSocketAsync(), EventEmitter.SourceOf(e));
    }

    [Fact]
    public async Task A_byte_data_listener_on_a_socket_with_an_encoding_fails_saying_what_to_do()
    {
        var uncaught = Await.Next<Exception>(_t.Loop, "uncaughtException");
        await using var h = await Harness.StartAsync(_t, s => s.SetEncoding("utf8").On<byte[]>("data", _ => { }));
        await using var client = await h.ConnectAsync();
        await client.SendAsync("hello");
        var e = Assert.IsType<InvalidCastException>(await uncaught.WithTimeout());
        Assert.Equal(
            "The \"data\" listener on Socket is an Action<byte[]>, but the event's first argument is a string: the socket has "
                + "an encoding (SetEncoding), so \"data\" delivers strings; listen with On<string>, or call SetEncoding(null) to receive bytes.",
            e.Message);
    }

    [Fact]
    public async Task Utf8_gives_strings_and_a_character_split_across_sends_arrives_intact()
    {
        var (chunks, closed, _, h, client) = await StartAsync("utf8");
        await using var _h = h;
        await using var _c = client;
        var euro = Encoding.UTF8.GetBytes("€"); // E2 82 AC
        await client.SendAsync([(byte)'a', euro[0]]);
        // Wait until "a" was delivered, so the second send is a separate read.
        var deadline = DateTime.UtcNow + TestLoop.Timeout;
        while (await _t.Run(() => chunks.Count) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Yield();
        }
        await client.SendAsync([euro[1], euro[2], (byte)'b']);
        client.ShutdownSend();
        Assert.False(await closed);
        var strings = Assert.IsAssignableFrom<IEnumerable<string>>(chunks.Cast<string>().ToList());
        Assert.All(chunks, c => Assert.IsType<string>(c));
        Assert.Equal("a", chunks[0]);
        Assert.Equal("a€b", string.Concat(strings));
        Assert.DoesNotContain("\uFFFD", string.Concat(strings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_held_back_by_the_decoder_produce_no_empty_data_event()
    {
        var (chunks, closed, socket, h, client) = await StartAsync("utf8");
        await using var _h = h;
        await using var _c = client;
        var euro = Encoding.UTF8.GetBytes("€");
        await client.SendAsync([euro[0]]);
        var deadline = DateTime.UtcNow + TestLoop.Timeout;
        while (await _t.Run(() => socket.BytesRead) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Yield();
        }
        await h.SettleAsync();
        await client.SendAsync([euro[1], euro[2]]);
        client.ShutdownSend();
        Assert.False(await closed);
        Assert.Equal(["€"], chunks.Cast<string>());
    }

    [Fact]
    public async Task Hex_encoding()
    {
        var (chunks, closed, _, h, client) = await StartAsync("hex");
        await using var _h = h;
        await using var _c = client;
        await client.SendAsync([0xde, 0xad, 0xbe, 0xef]);
        client.ShutdownSend();
        Assert.False(await closed);
        Assert.Equal("deadbeef", string.Concat(chunks.Cast<string>()));
    }

    [Fact]
    public async Task Base64_encoding()
    {
        var (chunks, closed, _, h, client) = await StartAsync("base64");
        await using var _h = h;
        await using var _c = client;
        await client.SendAsync("hello");
        client.ShutdownSend();
        Assert.False(await closed);
        Assert.Equal("aGVsbG8=", string.Concat(chunks.Cast<string>()));
    }

    [Fact]
    public async Task Unknown_encodings_throw_ERR_UNKNOWN_ENCODING()
    {
        var errors = new TaskCompletionSource<(Exception? Set, Exception? Write, Exception? End)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await Harness.StartAsync(_t, s =>
        {
            Exception? Catch(Action a)
            {
                try
                {
                    a();
                    return null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }
            errors.SetResult((Catch(() => s.SetEncoding("bogus")), Catch(() => s.Write("x", "bogus")), Catch(() => s.End("x", "bogus"))));
        });
        await using var client = await h.ConnectAsync();
        var (set, write, end) = await errors.Task.WithTimeout();
        foreach (var ex in new[] { set, write, end })
        {
            Assert.NotNull(ex);
            Assert.IsAssignableFrom<ArgumentException>(ex);
            Assert.Equal("ERR_UNKNOWN_ENCODING", Assert.IsAssignableFrom<INodeError>(ex).Code);
            Assert.Equal("Unknown encoding: bogus", ex!.Message);
        }
    }

    [Fact]
    public async Task Write_with_an_encoding_sends_the_decoded_bytes()
    {
        await using var h = await Harness.StartAsync(_t, s =>
        {
            s.Write("68656c6c6f", "hex");
            s.End("IHdvcmxk", "base64");
        });
        await using var client = await h.ConnectAsync();
        Assert.Equal("hello world", await client.ReadToEndAsync());
    }
}
