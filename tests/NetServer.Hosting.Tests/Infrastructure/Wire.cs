using System.Net.Sockets;
using System.Text;

namespace NetServer.Hosting.Tests.Infrastructure;

/// <summary>Client-side helpers over a connected System.Net.Sockets socket.</summary>
public static class Wire
{
    public static async Task SendAsync(this System.Net.Sockets.Socket socket, string text) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(text)).WaitAsync(TestHost.Timeout);

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public static async Task<string> ReceiveAsync(this System.Net.Sockets.Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(TestHost.Timeout);
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), cts.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"EOF after {read} of {count} bytes");
            }
            read += n;
        }
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>Completes when the peer ends or resets the connection (0 bytes read, or a reset).</summary>
    public static async Task WaitForEndAsync(this System.Net.Sockets.Socket socket)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TestHost.Timeout);
        try
        {
            while (await socket.ReceiveAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    public static async Task<System.Net.Sockets.Socket> ConnectUnixAsync(string path)
    {
        var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(TestHost.Timeout);
        return socket;
    }
}
