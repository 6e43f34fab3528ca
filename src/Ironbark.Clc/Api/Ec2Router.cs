namespace Ironbark.Clc.Api;

/// <summary>Maps an EC2 action name to the handler of the resource API that owns it.</summary>
public sealed class Ec2Router
{
    private readonly Dictionary<string, Ec2Handler> _handlers;

    public Ec2Router(IEnumerable<IEc2Actions> apis) =>
        _handlers = apis.SelectMany(api => api.Actions).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Actions => _handlers.Keys;

    public Ec2Handler? Find(string action) => _handlers.GetValueOrDefault(action);
}
