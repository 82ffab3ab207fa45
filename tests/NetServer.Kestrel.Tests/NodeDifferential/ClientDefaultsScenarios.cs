namespace NetServer.Kestrel.Tests.NodeDifferential;

/// <summary>
/// Tests that change the process-wide <c>net</c> defaults (<see cref="Net.SetDefaultAutoSelectFamily"/>,
/// <see cref="Net.SetDefaultAutoSelectFamilyAttemptTimeout"/>) run alone, so no other test's connect
/// sees a changed default.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetDefaultsGroup
{
    public const string Name = "net module defaults";
}

/// <summary>The twin of NodeScenarios/client-autoselect-defaults.js (outside the main differential class: see <see cref="NetDefaultsGroup"/>).</summary>
[Collection(NetDefaultsGroup.Name)]
public sealed class ClientDefaultsDifferentialTests
{
    [Fact]
    public async Task Client_autoselect_family_defaults()
    {
        var node = NodeRunner.RunAsync("client-autoselect-defaults");
        var t = new Trace();
        var family = Net.GetDefaultAutoSelectFamily();
        var timeout = Net.GetDefaultAutoSelectFamilyAttemptTimeout();
        try
        {
            t.Log("defaults", Net.GetDefaultAutoSelectFamily(), Net.GetDefaultAutoSelectFamilyAttemptTimeout());
            Net.SetDefaultAutoSelectFamilyAttemptTimeout(5);
            t.Log("timeout 5 clamps to", Net.GetDefaultAutoSelectFamilyAttemptTimeout());
            Net.SetDefaultAutoSelectFamilyAttemptTimeout(300);
            t.Log("timeout 300", Net.GetDefaultAutoSelectFamilyAttemptTimeout());
            try
            {
                Net.SetDefaultAutoSelectFamilyAttemptTimeout(0);
            }
            catch (Exception e)
            {
                t.Log("timeout 0", e is ArgumentOutOfRangeException ? "RangeError" : e is ArgumentException ? "TypeError" : "Error",
                    (e as INodeError)?.Code, e.Message);
            }
            Net.SetDefaultAutoSelectFamilyAttemptTimeout(250);
            Net.SetDefaultAutoSelectFamily(false);
            t.Log("set false", Net.GetDefaultAutoSelectFamily());
            Net.SetDefaultAutoSelectFamily(true);
            t.Log("restored", Net.GetDefaultAutoSelectFamily(), Net.GetDefaultAutoSelectFamilyAttemptTimeout());
            t.Done();
        }
        finally
        {
            // Whatever failed above, the next tests get the defaults they started with.
            Net.SetDefaultAutoSelectFamily(family);
            Net.SetDefaultAutoSelectFamilyAttemptTimeout(timeout);
        }
        Assert.Equal(await node, t.Snapshot());
    }
}
