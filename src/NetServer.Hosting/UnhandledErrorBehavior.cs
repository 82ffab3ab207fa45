namespace NetServer.Hosting;

/// <summary>What the host does with an error nobody handled (the loop's <c>"uncaughtException"</c>).</summary>
public enum UnhandledErrorBehavior
{
    /// <summary>Log the error, destroy the socket concerned (if any) and keep serving. The default.</summary>
    Log = 0,

    /// <summary>Log the error, then stop the application (<c>IHostApplicationLifetime.StopApplication()</c>), as Node's process would exit.</summary>
    StopApplication = 1,
}
