using System.Diagnostics;

namespace NetServer.Kestrel.Tests.Infrastructure;

/// <summary>
/// A real other process (python3) holding an OS resource: it runs a script that prints one line once
/// the resource is held, then waits on stdin. Disposing kills exactly this process, by its PID.
/// </summary>
public sealed class PythonChild : IDisposable
{
    private readonly Process _process;

    private PythonChild(Process process, string firstLine)
    {
        _process = process;
        FirstLine = firstLine;
    }

    /// <summary>The line the script printed once ready (e.g. the port it bound).</summary>
    public string FirstLine { get; }

    public int Pid => _process.Id;

    public static async Task<PythonChild> StartAsync(string script)
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TestLoop.Timeout)
                ?? throw new InvalidOperationException("python3 exited early: " + await process.StandardError.ReadToEndAsync());
            return new PythonChild(process, line.Trim());
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILLs the process (no clean-up runs in it) and waits until it has exited.</summary>
    public void KillNow()
    {
        Kill(_process);
        if (!_process.WaitForExit(TestLoop.Timeout))
        {
            throw new TimeoutException($"python3 (pid {Pid}) did not exit");
        }
    }

    public void Dispose()
    {
        Kill(_process);
        _process.WaitForExit(TestLoop.Timeout);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
    }
}
