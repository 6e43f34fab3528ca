namespace Ironbark.Cc.Domain;

/// <summary>
/// Which node holds which instance, with its last reported status, kept in memory: rebuilt from every
/// node's DescribeInstances by each poll, and updated at once by the CC's own launches and forwarded calls.
/// A poll's answer may be older than a launch or terminate that finished while it was on its way, so each
/// entry carries the version it was recorded at and a merge never overwrites or drops a newer one.
/// </summary>
public sealed class InstanceMap
{
    private readonly object _lock = new();
    private readonly Dictionary<string, KnownInstance> _known = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Grows with every change the CC makes itself; a poll notes it before asking a node.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
                return _version;
        }
    }

    public KnownInstance? Find(string instanceId)
    {
        lock (_lock)
            return _known.GetValueOrDefault(instanceId);
    }

    /// <summary>The instances with these ids (unknown ones are left out), or all when none are given, by id.</summary>
    public IReadOnlyList<KnownInstance> List(IReadOnlyCollection<string> instanceIds)
    {
        List<KnownInstance> found;
        lock (_lock)
            found = instanceIds.Count == 0
                ? [.. _known.Values]
                : [.. instanceIds.Distinct(StringComparer.Ordinal).Select(_known.GetValueOrDefault).OfType<KnownInstance>()];
        found.Sort((a, b) => string.CompareOrdinal(a.InstanceId, b.InstanceId));
        return found;
    }

    /// <summary>Records what a node answered to one of the CC's calls (or a launch just placed, with <paramref name="launching"/>).</summary>
    public KnownInstance Record(InstanceReport status, string nodeUrl, bool launching = false)
    {
        lock (_lock)
        {
            var known = new KnownInstance(status, nodeUrl, ++_version, launching);
            _known[status.InstanceId] = known;
            return known;
        }
    }

    /// <summary>Drops the entry of a launch that did not happen (the next poll brings it back if the node has it after all).</summary>
    public void ForgetLaunch(string instanceId)
    {
        lock (_lock)
            if (_known.TryGetValue(instanceId, out var known) && known.Launching)
                _known.Remove(instanceId);
    }

    /// <summary>
    /// Takes a node's full list, asked for when <see cref="Version"/> was <paramref name="since"/>: its instances
    /// replace what was known of them and those it no longer lists are dropped — except entries the CC recorded
    /// after <paramref name="since"/> and launches under way, which are newer than the list.
    /// </summary>
    public void Merge(string nodeUrl, IEnumerable<InstanceReport> reported, long since)
    {
        lock (_lock)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var status in reported)
            {
                listed.Add(status.InstanceId);
                if (_known.TryGetValue(status.InstanceId, out var known))
                {
                    if (known.Launching || known.Version > since)
                        continue;
                    // A launch that failed on one node and then ran on another leaves a terminated record behind on
                    // the first: the instance is where it runs.
                    if (known.NodeUrl != nodeUrl && known.Status.State != "terminated" && status.State == "terminated")
                        continue;
                }
                _known[status.InstanceId] = new KnownInstance(status, nodeUrl, since, false);
            }
            var gone = _known.Values
                .Where(k => k.NodeUrl == nodeUrl && !k.Launching && k.Version <= since && !listed.Contains(k.InstanceId))
                .Select(k => k.InstanceId).ToList();
            foreach (var id in gone)
                _known.Remove(id);
        }
    }
}
