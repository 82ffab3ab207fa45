namespace NetServer.Kestrel.Tests.Stress;

/// <summary>
/// The stress tests measure the whole process (descriptors, threads, heap, working set), so they run
/// one at a time and never beside another test class.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressGroup
{
    public const string Name = "Stress (process-wide measurements)";
}
