namespace Ironbark.Clc.Domain;

/// <summary>
/// How many instances of a type a zone has room for: what each node that is up has free (as its CC
/// reports, with the launches it is working on already taken off), less the launches the CLC has
/// accepted that the CC does not count yet, each taken from the node with the most memory free.
/// </summary>
public static class ZoneRoom
{
    public static int For(IEnumerable<NodeCapacity> nodes, IEnumerable<(int Cores, int MemoryMib)> queued, InstanceTypeSpec type)
    {
        var free = nodes.Where(n => n.Up).Select(n => (Cores: (long)n.CoresFree, Memory: n.MemoryMibFree)).ToList();
        foreach (var (cores, memory) in queued)
        {
            if (free.Count == 0)
                break;
            var most = Enumerable.Range(0, free.Count).MaxBy(i => free[i].Memory);
            free[most] = (Math.Max(0, free[most].Cores - cores), Math.Max(0, free[most].Memory - memory));
        }
        return (int)free.Sum(n => Math.Min(n.Cores / type.VCpus, n.Memory / type.MemoryMiB));
    }
}
