using Ironbark.Cc.Domain;

namespace Ironbark.Cc.Tests;

public sealed class PlacementPolicyTests
{
    private static NodeCapacity Node(string name, int cores, long memoryMib, int instances = 0, bool up = true) =>
        new($"https://{name}:8775", up, cores, memoryMib, instances);

    private static readonly NodeCapacity A = Node("a", 4, 4096);
    private static readonly NodeCapacity B = Node("b", 4, 4096);
    private static readonly NodeCapacity C = Node("c", 4, 4096);

    [Fact]
    public void Greedy_fills_the_first_node_that_fits_in_configured_order()
    {
        Assert.Equal(A, PlacementPolicy.Choose(PlacementPolicyKind.Greedy, [A, B, C], 2, 1024));
        // The node used last does not matter to GREEDY.
        Assert.Equal(A, PlacementPolicy.Choose(PlacementPolicyKind.Greedy, [A, B, C], 2, 1024, A.Url));
        Assert.Equal(B, PlacementPolicy.Choose(PlacementPolicyKind.Greedy, [B, A, C], 2, 1024));
    }

    [Fact]
    public void Greedy_skips_nodes_short_of_cores_or_memory_or_down()
    {
        var fewCores = Node("a", 1, 8192);
        var littleMemory = Node("b", 8, 512);
        var down = Node("c", 8, 8192, up: false);
        var fits = Node("d", 2, 1024);
        Assert.Equal(fits, PlacementPolicy.Choose(PlacementPolicyKind.Greedy, [fewCores, littleMemory, down, fits], 2, 1024));
    }

    [Fact]
    public void Round_robin_takes_the_next_node_after_the_last_one_used_and_wraps_around()
    {
        NodeCapacity[] nodes = [A, B, C];
        string? last = null;
        var chosen = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            last = PlacementPolicy.Choose(PlacementPolicyKind.RoundRobin, nodes, 1, 512, last)!.Value.Url;
            chosen.Add(last);
        }
        Assert.Equal([A.Url, B.Url, C.Url, A.Url, B.Url], chosen);
    }

    [Fact]
    public void Round_robin_skips_nodes_that_do_not_fit_and_wraps_past_the_end()
    {
        var full = Node("c", 0, 4096, instances: 4);
        // After B the next is C, which is full: wrap around to A.
        Assert.Equal(A, PlacementPolicy.Choose(PlacementPolicyKind.RoundRobin, [A, B, full], 1, 512, B.Url));
        // A last node unknown (e.g. removed from the configuration) starts from the first.
        Assert.Equal(A, PlacementPolicy.Choose(PlacementPolicyKind.RoundRobin, [A, B, full], 1, 512, "https://gone:8775"));
        // Only the node used last fits: it is used again.
        var smallA = Node("a", 1, 512);
        Assert.Equal(B, PlacementPolicy.Choose(PlacementPolicyKind.RoundRobin, [smallA, B, full], 2, 1024, B.Url));
    }

    [Fact]
    public void Powersave_prefers_the_most_loaded_busy_node_that_fits()
    {
        var idle = Node("a", 8, 8192);
        var busy = Node("b", 6, 6144, instances: 1);
        var busiest = Node("c", 3, 3072, instances: 3);
        var tooFull = Node("d", 1, 1024, instances: 5);
        Assert.Equal(busiest, PlacementPolicy.Choose(PlacementPolicyKind.PowerSave, [idle, busy, busiest, tooFull], 2, 2048));
        // The busiest no longer fits: the other busy node, still not the idle one.
        Assert.Equal(busy, PlacementPolicy.Choose(PlacementPolicyKind.PowerSave, [idle, busy, busiest, tooFull], 4, 4096));
    }

    [Fact]
    public void Powersave_wakes_an_idle_node_only_when_no_busy_one_fits()
    {
        var idle1 = Node("a", 8, 8192);
        var idle2 = Node("b", 8, 8192);
        var busy = Node("c", 2, 2048, instances: 2);
        Assert.Equal(idle1, PlacementPolicy.Choose(PlacementPolicyKind.PowerSave, [idle1, idle2, busy], 4, 1024));
        // A busy node that is down does not count.
        var busyDown = Node("c", 8, 8192, instances: 2, up: false);
        Assert.Equal(idle1, PlacementPolicy.Choose(PlacementPolicyKind.PowerSave, [idle1, busyDown], 1, 512));
    }

    [Theory]
    [InlineData(PlacementPolicyKind.Greedy)]
    [InlineData(PlacementPolicyKind.RoundRobin)]
    [InlineData(PlacementPolicyKind.PowerSave)]
    public void No_node_fits_gives_none(PlacementPolicyKind policy)
    {
        NodeCapacity[] nodes = [Node("a", 2, 8192, 1), Node("b", 8, 1024), Node("c", 16, 16384, up: false)];
        Assert.Null(PlacementPolicy.Choose(policy, nodes, 4, 2048, nodes[0].Url));
        Assert.Null(PlacementPolicy.Choose(policy, [], 1, 1));
    }

    [Theory]
    [InlineData("GREEDY", PlacementPolicyKind.Greedy)]
    [InlineData("roundrobin", PlacementPolicyKind.RoundRobin)]
    [InlineData("PowerSave", PlacementPolicyKind.PowerSave)]
    public void Policy_names_parse(string name, PlacementPolicyKind expected)
    {
        Assert.Equal(expected, PlacementPolicy.Parse(name));
        Assert.Equal(name.ToUpperInvariant(), PlacementPolicy.Name(expected));
    }

    [Fact]
    public void An_unknown_policy_name_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PlacementPolicy.Parse("RANDOM"));
        Assert.Contains("GREEDY, ROUNDROBIN or POWERSAVE", error.Message);
    }
}
