using System.Net;
using System.Net.Sockets;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// The C# twin of _lib.js <c>connect()</c>: a System.Net.Sockets client that reads in the background
/// and, like a Node client with allowHalfOpen=false, ends its side when it reads EOF.
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private NodePeer(Client client, bool autoEnd)
    {
        Client = client;
        Received = ReadAsync(autoEnd);
    }

    public Client Client { get; }

    /// <summary>Everything received, once the server's FIN (or a reset) arrived.</summary>
    public Task<string> Received { get; }

    public int LocalPort => ((IPEndPoint)Client.Socket.LocalEndPoint!).Port;

    public static async Task<NodePeer> ConnectAsync(Server server, string host = "127.0.0.1", bool autoEnd = true) =>
        new(await Client.ConnectAsync(server, host), autoEnd);

    public static async Task<NodePeer> ConnectAsync(IPAddress address, int port) =>
        new(await Client.ConnectAsync(address, port), autoEnd: true);

    public static async Task<NodePeer> ConnectUnixAsync(string path, bool autoEnd = true) => new(await Client.ConnectUnixAsync(path), autoEnd);

    public Task SendAsync(string text) => Client.SendAsync(text);

    /// <summary>Node's <c>socket.end()</c>: half-close.</summary>
    public void End() => Client.ShutdownSend();

    /// <summary>Node's <c>socket.end(text)</c>.</summary>
    public async Task EndAsync(string text)
    {
        await Client.SendAsync(text);
        Client.ShutdownSend();
    }

    private async Task<string> ReadAsync(bool autoEnd)
    {
        string text;
        try
        {
            text = await Client.ReadToEndAsync();
        }
        catch (Exception)
        {
            // Reset, disposal, or the scenario ended before EOF: nothing to report.
            return "";
        }
        if (autoEnd)
        {
            try
            {
                Client.ShutdownSend();
            }
            catch (Exception)
            {
                // Already closed by the scenario.
            }
        }
        return text;
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
