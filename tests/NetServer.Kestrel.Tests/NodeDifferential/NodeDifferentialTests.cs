using System.Net;
using System.Net.Sockets;
using System.Text;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// Node-differential suite: each test runs NodeScenarios/&lt;name&gt;.js under Node 24 and the same
/// scenario against NetServer, and requires the two event traces to be identical line by line.
/// The tests share one class (one xunit collection) so scenarios with timers never compete.
/// </summary>
public sealed partial class NodeDifferentialTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(20);
    private readonly TestLoop _t = new();
    private readonly List<DirectoryInfo> _tempDirs = [];

    public void Dispose()
    {
        _t.Dispose();
        foreach (var dir in _tempDirs)
        {
            dir.Delete(recursive: true);
        }
    }

    private EventLoop Loop => _t.Loop;

    private async Task Compare(string scenario, Func<Trace, Task> csharp)
    {
        var node = NodeRunner.RunAsync(scenario);
        var trace = new Trace();
        Exception? failure = null;
        try
        {
            await csharp(trace).WaitAsync(ScenarioTimeout);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        var expected = await node;
        var actual = trace.Snapshot();
        var uncaught = _t.Uncaught.ToArray();
        if (failure is null && uncaught.Length == 0 && expected.SequenceEqual(actual))
        {
            return;
        }
        Assert.Fail(Report(scenario, expected, actual, failure, uncaught));
    }

    private static string Report(string scenario, IReadOnlyList<string> node, IReadOnlyList<string> csharp, Exception? failure, Exception[] uncaught)
    {
        var sb = new StringBuilder();
        sb.Append("Scenario '").Append(scenario).AppendLine("': the C# trace differs from Node 24's.");
        if (failure is not null)
        {
            sb.Append("C# scenario failed: ").AppendLine(failure.ToString());
        }
        foreach (var ex in uncaught)
        {
            sb.Append("Uncaught on the loop: ").AppendLine(ex.ToString());
        }
        var firstDiff = Enumerable.Range(0, Math.Max(node.Count, csharp.Count))
            .FirstOrDefault(i => i >= node.Count || i >= csharp.Count || node[i] != csharp[i], -1);
        if (firstDiff >= 0)
        {
            sb.Append("First difference at line ").Append(firstDiff + 1).AppendLine(":");
            sb.Append("  node: ").AppendLine(firstDiff < node.Count ? node[firstDiff] : "<missing>");
            sb.Append("  c#  : ").AppendLine(firstDiff < csharp.Count ? csharp[firstDiff] : "<missing>");
        }
        sb.AppendLine("Line by line (' ' same, '-' node only, '+' c# only):");
        for (var i = 0; i < Math.Max(node.Count, csharp.Count); i++)
        {
            var n = i < node.Count ? node[i] : null;
            var c = i < csharp.Count ? csharp[i] : null;
            if (n == c)
            {
                sb.Append("    ").AppendLine(n);
                continue;
            }
            if (n is not null)
            {
                sb.Append("  - ").AppendLine(n);
            }
            if (c is not null)
            {
                sb.Append("  + ").AppendLine(c);
            }
        }
        return sb.ToString();
    }

    private static int PortOf(Server server) => ((AddressInfo)server.Address()!).Port;

    /// <summary>
    /// The second half of the close scenarios, as the Node scripts do it: a new client is refused,
    /// the connection already open still echoes, and its end lets the socket close.
    /// </summary>
    private static async Task RefusedThenLiveEchoAsync(Trace t, Client live, int port)
    {
        try
        {
            await using var refused = await Client.ConnectAsync(IPAddress.Loopback, port);
            t.Log("second client connected (unexpected)");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            t.Log("second client error", "ECONNREFUSED");
        }
        await live.SendAsync("ping");
        t.Log("client got", await live.ReadStringAsync("echo:ping".Length));
        live.ShutdownSend();
        await t.WaitFor("socket close");
    }

    private static string? Code(Exception? e) => (e as INodeError)?.Code;

    /// <summary>The JS class name Node would print for the error.</summary>
    private static string Kind(Exception e) => e switch
    {
        ArgumentOutOfRangeException => "RangeError",
        ArgumentException => "TypeError",
        _ => "Error",
    };

    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    /// <summary>A socket path in a private temp dir, removed when the test is disposed.</summary>
    private string TmpPath(string name)
    {
        var dir = Directory.CreateTempSubdirectory("nsdiff-");
        _tempDirs.Add(dir);
        return Path.Combine(dir.FullName, name);
    }
}
