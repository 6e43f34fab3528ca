namespace Ironbark.Cc.Domain;

/// <summary>An instance as its node last reported it (or the CC's launch, while it is under way), and which node holds it.</summary>
/// <param name="Version">When the CC recorded it (see <see cref="InstanceMap.Version"/>).</param>
/// <param name="Launching">A launch by this CC is under way: the poll neither replaces nor drops it.</param>
public sealed record KnownInstance(InstanceReport Status, string NodeUrl, long Version, bool Launching)
{
    public string InstanceId => Status.InstanceId;
}
