using Ironbark.Cc.Domain;

namespace Ironbark.Cc.Tests;

public sealed class InstanceMapTests
{
    private const string A = "https://a:8775", B = "https://b:8775";

    private static InstanceReport Status(string id, string state = "running") => new() { InstanceId = id, State = state };

    [Fact]
    public void A_poll_replaces_what_its_node_reported_and_drops_what_the_node_no_longer_lists()
    {
        var map = new InstanceMap();
        map.Merge(A, [Status("i-1"), Status("i-2")], map.Version);
        map.Merge(A, [Status("i-1", "terminated")], map.Version);

        Assert.Equal("terminated", map.Find("i-1")!.Status.State);
        Assert.Null(map.Find("i-2"));
    }

    [Fact]
    public void A_poll_that_began_before_a_launch_keeps_the_launch()
    {
        var map = new InstanceMap();
        var since = map.Version; // the poll asks the node; meanwhile the CC launches and records two instances
        map.Record(Status("i-new"), A);
        map.Record(Status("i-placed", "pending"), A, launching: true);
        map.Merge(A, [Status("i-old")], since);

        Assert.Equal(["i-new", "i-old", "i-placed"], map.List([]).Select(k => k.InstanceId));
        // A terminate recorded after the poll began is not undone by the poll's older "running".
        since = map.Version;
        map.Record(Status("i-new", "terminated"), A);
        map.Merge(A, [Status("i-new"), Status("i-old")], since);
        Assert.Equal("terminated", map.Find("i-new")!.Status.State);
        // A later poll takes over again.
        map.Merge(A, [Status("i-new", "shutting-down"), Status("i-old")], map.Version);
        Assert.Equal("shutting-down", map.Find("i-new")!.Status.State);
    }

    [Fact]
    public void A_terminated_leftover_on_one_node_does_not_hide_the_instance_running_on_another()
    {
        var map = new InstanceMap();
        map.Merge(B, [Status("i-1")], map.Version);
        map.Merge(A, [Status("i-1", "terminated")], map.Version);

        Assert.Equal((B, "running"), (map.Find("i-1")!.NodeUrl, map.Find("i-1")!.Status.State));
    }

    [Fact]
    public void A_launch_that_did_not_happen_is_forgotten_but_a_known_instance_is_not()
    {
        var map = new InstanceMap();
        map.Record(Status("i-1", "pending"), A, launching: true);
        map.Record(Status("i-2"), A);
        map.ForgetLaunch("i-1");
        map.ForgetLaunch("i-2");

        Assert.Null(map.Find("i-1"));
        Assert.NotNull(map.Find("i-2"));
    }

    [Fact]
    public void Listing_by_ids_leaves_unknown_ids_out_and_lists_thousands_in_order()
    {
        var map = new InstanceMap();
        var ids = Enumerable.Range(0, 1000).Select(i => $"i-{i:x17}").ToList();
        map.Merge(A, ids.Take(500).Select(id => Status(id)), map.Version);
        map.Merge(B, ids.Skip(500).Select(id => Status(id)), map.Version);

        Assert.Equal(ids, map.List([]).Select(k => k.InstanceId));
        Assert.Equal([ids[7], ids[700]], map.List([ids[700], "i-00000000000000bad", ids[7]]).Select(k => k.InstanceId));
        Assert.Equal(B, map.List([ids[700]]).Single().NodeUrl);
    }
}
