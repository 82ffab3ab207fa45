using System.Net;
using System.Net.Sockets;

namespace NetServer.Kestrel.Tests.ChildProcesses;

/// <summary>
/// The test assembly's entry point. The test runner never calls it; <see cref="Child"/> runs
/// <c>dotnet NetServer.Kestrel.Tests.dll &lt;scenario&gt;</c> for tests about how a process ends,
/// which cannot run inside the test host. Each scenario has no <c>"uncaughtException"</c>
/// listener unless it says so, and waits on its loop until the process ends.
/// </summary>
public static class ChildProgram
{
    /// <summary>Keeps the scenario's client socket open until the process ends.</summary>
    private static TcpClient? s_client;

    public static int Main(string[] args)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.WriteLine("ProcessExit ran");
        var loop = EventLoop.Default;
        switch (args)
        {
            case ["listen-eaddrinuse"]:
                // Another socket of this process holds the port; nobody listens for the server's "error".
                var holder = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                holder.Listen();
                var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
                Console.WriteLine(port);
                Net.CreateServer().Listen(port, "127.0.0.1");
                break;
            case ["throw-in-timer"]:
                loop.SetTimeout(() => throw new InvalidOperationException("boom in a timer"), 1);
                loop.SetTimeout(() => Console.WriteLine("a later timer ran"), 50);
                break;
            case ["string-data-listener"]:
                // The error surfaces in a "data" emit, run by whichever thread delivers the read.
                var server = Net.CreateServer(socket => socket.On<string>("data", _ => { }));
                server.Listen(0, "127.0.0.1", () =>
                {
                    s_client = new TcpClient();
                    s_client.Connect(IPAddress.Loopback, ((AddressInfo)server.Address()!).Port);
                    s_client.GetStream().Write("hello"u8);
                });
                break;
            case ["throwing-uncaught-listener"]:
                loop.On<Exception>("uncaughtException", _ => throw new InvalidOperationException("the listener failed too"));
                loop.SetTimeout(() => throw new InvalidOperationException("first"), 1);
                break;
            default:
                Console.Error.WriteLine("usage: NetServer.Kestrel.Tests <scenario>");
                return 2;
        }
        loop.RunAsync().GetAwaiter().GetResult();
        Console.WriteLine("the loop went idle");
        return 0;
    }
}
