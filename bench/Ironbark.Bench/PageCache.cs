namespace Ironbark.Bench;

/// <summary>Empties the kernel's page cache (root only), so the next reads come from the disk.</summary>
public static class PageCache
{
    public static void Drop(TextWriter log)
    {
        try
        {
            Ironbark.Common.Processes.CommandRunner.RunAsync("sync", []).GetAwaiter().GetResult();
            File.WriteAllText("/proc/sys/vm/drop_caches", "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"  (could not drop the page cache: {e.Message}; reads may come from memory)");
        }
    }
}
