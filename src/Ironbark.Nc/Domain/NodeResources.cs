namespace Ironbark.Nc.Domain;

/// <summary>The cores and memory this node offers to VMs, with overcommit, and what running instances hold.</summary>
public sealed class NodeResources(int cores, long memoryMib, double cpuOvercommit, double memoryOvercommit)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (int Cores, long MemoryMib)> _held = new(StringComparer.Ordinal);
    private int _usedCores;
    private long _usedMemoryMib;

    public int Cores => cores;
    public long MemoryMib => memoryMib;
    public double CpuOvercommit => cpuOvercommit;
    public double MemoryOvercommit => memoryOvercommit;
    public int CoreLimit => (int)Math.Floor(cores * cpuOvercommit);
    public long MemoryLimitMib => (long)Math.Floor(memoryMib * memoryOvercommit);

    public (int Cores, long MemoryMib) Free
    {
        get
        {
            var free = Held;
            return (free.CoresFree, free.MemoryMibFree);
        }
    }

    /// <summary>
    /// What is free and which instances hold the rest, read together: a reader that subtracts launches it knows
    /// of but that are not among <see cref="HeldResources.InstanceIds"/> never subtracts one twice.
    /// </summary>
    public HeldResources Held
    {
        get
        {
            lock (_lock)
                return new HeldResources(CoreLimit - _usedCores, MemoryLimitMib - _usedMemoryMib, [.. _held.Keys]);
        }
    }

    /// <summary>Holds resources for an instance, or refuses with InsufficientInstanceCapacity saying what is short.</summary>
    public void Reserve(string instanceId, int vcpus, long memory)
    {
        lock (_lock)
        {
            if (_usedMemoryMib + memory > MemoryLimitMib)
                throw NcException.Capacity($"Not enough memory on this node for {instanceId}: {memory} MiB asked, {MemoryLimitMib - _usedMemoryMib} MiB free of {MemoryLimitMib} MiB (overcommit {memoryOvercommit}).");
            if (_usedCores + vcpus > CoreLimit)
                throw NcException.Capacity($"Not enough cores on this node for {instanceId}: {vcpus} asked, {CoreLimit - _usedCores} free of {CoreLimit} (overcommit {cpuOvercommit}).");
            if (!_held.TryAdd(instanceId, (vcpus, memory)))
                throw new InvalidOperationException($"Instance {instanceId} holds resources already.");
            _usedCores += vcpus;
            _usedMemoryMib += memory;
        }
    }

    /// <summary>Gives back what the instance holds; an instance that holds nothing is no error.</summary>
    public void Release(string instanceId)
    {
        lock (_lock)
        {
            if (!_held.Remove(instanceId, out var held))
                return;
            _usedCores -= held.Cores;
            _usedMemoryMib -= held.MemoryMib;
        }
    }

    public static long HostMemoryMib()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return 0;
    }
}

/// <summary>A node's free cores and memory and the instances holding what is not free, as of one moment.</summary>
public sealed record HeldResources(int CoresFree, long MemoryMibFree, IReadOnlyList<string> InstanceIds);
