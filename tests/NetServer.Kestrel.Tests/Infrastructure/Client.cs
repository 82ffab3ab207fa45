using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetServer.Kestrel.Tests.Infrastructure;

/// <summary>A plain System.Net.Sockets client, so the library is never tested only against itself.</summary>
public sealed class Client : IAsyncDisposable
{
    private Client(System.Net.Sockets.Socket socket) => Socket = socket;

    public System.Net.Sockets.Socket Socket { get; }

    public static async Task<Client> ConnectAsync(Server server, string host = "127.0.0.1")
    {
        var address = server.Address();
        if (address is string path)
        {
            return await ConnectUnixAsync(path);
        }
        var port = ((AddressInfo)address!).Port;
        return await ConnectAsync(IPAddress.Parse(host), port);
    }

    public static async Task<Client> ConnectAsync(IPAddress address, int port)
    {
        var socket = new System.Net.Sockets.Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(address, port)).WaitAsync(TestLoop.Timeout);
        return new Client(socket);
    }

    public static async Task<Client> ConnectUnixAsync(string path)
    {
        var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(TestLoop.Timeout);
        return new Client(socket);
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] data)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await Socket.SendAsync(data.AsMemory(sent), SocketFlags.None).AsTask().WaitAsync(TestLoop.Timeout);
        }
    }

    /// <summary>Half-closes: sends FIN, keeps reading.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with RST (linger 0).</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>Reads until EOF and returns everything as UTF-8.</summary>
    public async Task<string> ReadToEndAsync() => Encoding.UTF8.GetString(await ReadAllBytesAsync());

    public async Task<byte[]> ReadAllBytesAsync()
    {
        using var ms = new MemoryStream();
        var buffer = new byte[65536];
        while (true)
        {
            var n = await Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TestLoop.Timeout);
            if (n == 0)
            {
                return ms.ToArray();
            }
            ms.Write(buffer, 0, n);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await Socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(TestLoop.Timeout);
            if (n == 0)
            {
                throw new EndOfStreamException($"EOF after {read} of {count} bytes");
            }
            read += n;
        }
        return buffer;
    }

    public async Task<string> ReadStringAsync(int byteCount) => Encoding.UTF8.GetString(await ReadExactlyAsync(byteCount));

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
