using System.Diagnostics;

namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// Finds Node 24 (the behaviour reference) and runs a scenario script from NodeScenarios/, returning
/// its stdout lines. Order of search: $NETSERVER_NODE, &lt;repo&gt;/.tools/node24/package/bin/node, then
/// scripts/get-node24.sh (installs it from the npm registry). Never skips: no Node 24 is a failure.
/// </summary>
public static class NodeRunner
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<string> NodePath = new(FindNode, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Node => NodePath.Value;

    public static string ScenarioPath(string scenario) =>
        Path.Combine(AppContext.BaseDirectory, "NodeScenarios", scenario + ".js");

    public static async Task<IReadOnlyList<string>> RunAsync(string scenario)
    {
        var script = ScenarioPath(scenario);
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"Node scenario not found: {script}");
        }
        var result = await RunProcessAsync(Node, [script], Path.GetDirectoryName(script)!, ScriptTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"node {scenario}.js exited with {result.ExitCode}.\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}");
        }
        return SplitLines(result.Stdout);
    }

    /// <summary>Runs a one-off snippet under Node 24 (<c>node -e</c>; <paramref name="args"/> are <c>process.argv[1..]</c>) and returns its stdout lines.</summary>
    public static async Task<IReadOnlyList<string>> EvalAsync(string code, params string[] args)
    {
        var result = await RunProcessAsync(Node, ["-e", code, .. args], AppContext.BaseDirectory, ScriptTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"node -e exited with {result.ExitCode}.\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}");
        }
        return SplitLines(result.Stdout);
    }

    /// <summary>Runs a snippet under Node 24 that is expected to end the process: its exit code and both streams, whatever the code.</summary>
    public static Task<ProcessResult> EvalToExitAsync(string code) =>
        RunProcessAsync(Node, ["-e", code], AppContext.BaseDirectory, ScriptTimeout);

    internal static IReadOnlyList<string> SplitLines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0).ToList();

    private static string FindNode()
    {
        var fromEnv = Environment.GetEnvironmentVariable("NETSERVER_NODE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Checked(fromEnv, "NETSERVER_NODE");
        }
        var root = RepoRoot();
        var local = Path.Combine(root, ".tools", "node24", "package", "bin", "node");
        if (File.Exists(local))
        {
            return Checked(local, ".tools/node24");
        }
        var installer = Path.Combine(root, "scripts", "get-node24.sh");
        var result = RunProcessAsync("bash", [installer], root, TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Node 24 is required for the differential tests and {installer} failed ({result.ExitCode}).\n{result.Stdout}\n{result.Stderr}");
        }
        var printed = SplitLines(result.Stdout);
        var installed = printed.Count > 0 ? printed[^1] : throw new InvalidOperationException($"{installer} printed no path.");
        return Checked(installed, installer);
    }

    private static string Checked(string node, string source)
    {
        var version = RunProcessAsync(node, ["--version"], AppContext.BaseDirectory, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (version.ExitCode != 0 || !version.Stdout.StartsWith("v24.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The differential tests need Node 24; {node} (from {source}) reports '{version.Stdout.Trim()}' {version.Stderr.Trim()}");
        }
        return node;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetServer.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No NetServer.sln above {AppContext.BaseDirectory}.");
    }

    public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    internal static async Task<ProcessResult> RunProcessAsync(string file, string[] args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Only the process this method started, by its handle.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.\n{await stdout}\n{await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
