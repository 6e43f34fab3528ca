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

    private static T Filled<T>() where T : IMessage, new()
    {
        var message = new T();
        var seed = 0;
        Fill(message, ref seed);
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

    /// <summary>The path to every scalar field (through nested messages).</summary>
    private static IEnumerable<FieldDescriptor[]> Leaves(MessageDescriptor descriptor)
    {
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
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
