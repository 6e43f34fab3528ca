using System.Xml.Linq;

namespace Ironbark.Clc.Api;

/// <summary>Handles one EC2 action: returns the content of its XxxResponse element (after requestId).</summary>
public delegate Task<IEnumerable<object?>> Ec2Handler(Ec2Request request, CancellationToken ct);

/// <summary>The EC2 actions of one kind of resource (key pairs, security groups…), by action name.</summary>
public interface IEc2Actions
{
    IEnumerable<KeyValuePair<string, Ec2Handler>> Actions { get; }
}
