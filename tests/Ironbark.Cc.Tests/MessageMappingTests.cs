using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Ironbark.Cc.Api;
using Ironbark.Cc.Domain;
using Ironbark.Cc.Drivers;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The CC's domain works on its own records; its API maps the CLC's messages in, its node client maps them out to the
/// NC. What the CLC sent must reach the node unchanged, field by field (filled by reflection, so a field added to
/// nc.proto and forgotten here fails), and what the node answered must reach the CLC unchanged.
/// </summary>
public sealed class MessageMappingTests
{
    [Fact]
    public void A_launch_with_every_field_set_reaches_the_node_as_the_clc_sent_it()
    {
        var request = Filled<RunInstanceRequest>();

        Assert.Equal(request, NodeMessages.Request(ClusterMessages.Launch(request)));
        Assert.Equal(new RunInstanceRequest { InstanceId = "i-1" }, NodeMessages.Request(ClusterMessages.Launch(new RunInstanceRequest { InstanceId = "i-1" })));
    }

    [Fact]
    public void Two_launches_are_the_same_launch_only_when_every_field_is_the_same()
    {
        var request = Filled<RunInstanceRequest>();
        var launch = ClusterMessages.Launch(request);
        Assert.Equal(launch, ClusterMessages.Launch(request.Clone()));
        Assert.Equal(launch.GetHashCode(), ClusterMessages.Launch(request.Clone()).GetHashCode());

        foreach (var path in Leaves(RunInstanceRequest.Descriptor))
        {
            var changed = request.Clone();
            Change(changed, path);
            Assert.False(launch.Equals(ClusterMessages.Launch(changed)), $"A launch that differs in {string.Join('.', path.Select(f => f.Name))} is not a retry");
            Assert.Equal(changed, NodeMessages.Request(ClusterMessages.Launch(changed)));
        }
    }

    [Fact]
    public void What_the_node_answered_reaches_the_clc_unchanged()
    {
        var status = Filled<InstanceStatus>();
        Assert.Equal(status, ClusterMessages.Status(NodeMessages.Report(status)));
        Assert.Equal(new InstanceStatus { InstanceId = "i-1" }, ClusterMessages.Status(NodeMessages.Report(new InstanceStatus { InstanceId = "i-1" })));

        var console = Filled<ConsoleOutput>();
        Assert.Equal(console, ClusterMessages.Console(NodeMessages.Console(console)));

        var options = Filled<MetadataOptions>();
        Assert.Equal(options, NodeMessages.Options(ClusterMessages.Options(options)));
    }

    [Fact]
    public void A_vpc_interface_reaches_the_node_and_the_clc_with_every_field_of_the_contract_set()
    {
        var asked = Filled<NetworkInterface>();
        asked.Mode = "VPC";
        asked.SubnetCidr = "172.31.0.0/20";
        var vpc = ClusterMessages.Attachment(asked).Vpc!;
        var allocated = vpc with
        {
            Mac = "02:00:00:00:00:01", PrivateIp = "172.31.0.4", GatewayIp = "172.31.0.1", Vni = 7, PublicIp = "203.0.113.1",
            PublicKind = PublicAddressKind.Pool, PrivateDnsName = "ip-172-31-0-4.ironbark.compute.internal", InstanceId = "i-1", NodeUrl = "https://n",
        };

        var sent = InterfaceMessages.Interface(allocated);

        // What the CLC asked for comes back as it asked; what it left to the CC is filled: no field of the contract is left out.
        foreach (var field in NetworkInterface.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(sent);
            Assert.False(value is null || value.Equals("") || value.Equals(0u) || value.Equals(false) || value is IList { Count: 0 }, $"{field.Name} is not set");
            if (field.Name is not ("mac" or "private_ip" or "gateway_ip" or "vni" or "public_ip" or "private_dns_name"))
                Assert.Equal(field.Accessor.GetValue(asked), value);
        }
        var launch = new RunInstanceRequest { InstanceId = "i-1", Network = asked };
        Assert.Equal(sent, NodeMessages.Request(ClusterMessages.Launch(launch) with
        {
            Network = ClusterMessages.Launch(launch).Network! with { Vpc = allocated },
        }).Network);
    }

    /// <summary>A message with every field set; a launch's interface in USER mode, whose mode, MAC and address alone a node reads.</summary>
    private static T Filled<T>() where T : IMessage, new()
    {
        var message = new T();
        var seed = 0;
        Fill(message, ref seed);
        if (message is RunInstanceRequest launch)
            launch.Network = new NetworkInterface { Mode = "USER", Mac = launch.Network.Mac, PrivateIp = launch.Network.PrivateIp };
        return message;
    }

    /// <summary>Sets every field, nested messages included, to a value of its own that is not the default.</summary>
    private static void Fill(IMessage message, ref int seed)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                list.Add(Value(field, ref seed));
                list.Add(Value(field, ref seed));
            }
            else
                field.Accessor.SetValue(message, Value(field, ref seed));
        }
    }

    private static object Value(FieldDescriptor field, ref int seed)
    {
        seed++;
        switch (field.FieldType)
        {
            case FieldType.Message:
                var nested = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
                Fill(nested, ref seed);
                return nested;
            case FieldType.String:
                return $"{field.Name}-{seed}";
            case FieldType.Bytes:
                return ByteString.CopyFrom([(byte)seed, 0, (byte)(seed + 1)]);
            case FieldType.Int32:
                return seed;
            case FieldType.UInt32:
                return (uint)seed;
            case FieldType.Int64:
                return 1_000_000_000_000L + seed;
            case FieldType.Double:
                return seed + 0.5;
            case FieldType.Bool:
                return true;
            default:
                throw new NotSupportedException($"No test value for field {field.FullName} of type {field.FieldType}");
        }
    }

    /// <summary>The path to every scalar field (through nested messages; of a launch's USER-mode interface, what a node reads).</summary>
    private static IEnumerable<FieldDescriptor[]> Leaves(MessageDescriptor descriptor)
    {
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (descriptor == NetworkInterface.Descriptor && field.Name is not ("mode" or "mac" or "private_ip"))
                continue;
            if (field.FieldType == FieldType.Message && !field.IsRepeated)
            {
                yield return [field]; // the whole nested message unset
                foreach (var below in Leaves(field.MessageType))
                    yield return [field, .. below];
            }
            else
                yield return [field];
        }
    }

    /// <summary>Gives the field at the end of the path another value (unsets a nested message named last).</summary>
    private static void Change(IMessage message, FieldDescriptor[] path)
    {
        for (var i = 0; i < path.Length - 1; i++)
            message = (IMessage)path[i].Accessor.GetValue(message);
        var leaf = path[^1];
        if (leaf.IsRepeated)
            ((IList)leaf.Accessor.GetValue(message)).RemoveAt(1);
        else if (leaf.FieldType == FieldType.Message)
            leaf.Accessor.Clear(message);
        else
        {
            var seed = 1000;
            leaf.Accessor.SetValue(message, leaf.FieldType == FieldType.Bool ? false : Value(leaf, ref seed));
        }
    }
}
