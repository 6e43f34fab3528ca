namespace Ironbark.Nc.Domain;

/// <summary>The cores and memory this node offers to VMs, with overcommit, and what running instances hold.</summary>
public sealed class NodeResources(int cores, long memoryMib, double cpuOvercommit, double memoryOvercommit)
{
    private readonly object _lock = new();
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
            lock (_lock)
                return (CoreLimit - _usedCores, MemoryLimitMib - _usedMemoryMib);
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
            _usedCores += vcpus;
            _usedMemoryMib += memory;
        }
    }

    public void Release(int vcpus, long memory)
    {
        lock (_lock)
        {
            _usedCores -= vcpus;
            _usedMemoryMib -= memory;
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
