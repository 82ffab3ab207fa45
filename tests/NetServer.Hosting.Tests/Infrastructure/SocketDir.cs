namespace NetServer.Hosting.Tests.Infrastructure;

/// <summary>A short, unique temp directory for Unix socket files (paths must stay under 108 bytes), deleted with its contents on dispose.</summary>
public sealed class SocketDir : IDisposable
{
    public SocketDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nsh-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
