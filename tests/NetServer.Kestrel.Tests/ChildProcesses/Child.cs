using NetServer.Kestrel.Tests.NodeDifferential;

namespace NetServer.Kestrel.Tests.ChildProcesses;

/// <summary>Runs a <see cref="ChildProgram"/> scenario in its own process: <c>dotnet &lt;this test assembly&gt; &lt;scenario&gt;</c>.</summary>
public static class Child
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(30);

    public static Task<NodeRunner.ProcessResult> RunAsync(string scenario) =>
        NodeRunner.RunProcessAsync(DotnetHost(), [typeof(ChildProgram).Assembly.Location, scenario], AppContext.BaseDirectory, ScenarioTimeout);

    /// <summary>The <c>dotnet</c> running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
