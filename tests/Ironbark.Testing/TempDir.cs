namespace Ironbark.Testing;

/// <summary>A directory under /tmp (or <paramref name="parent"/>) that is removed when disposed, also after a failed test.</summary>
public sealed class TempDir(string? parent = null) : IDisposable
{
    public string Path { get; } = parent is null
        ? Directory.CreateTempSubdirectory("ironbark-test-").FullName
        : Directory.CreateDirectory(System.IO.Path.Combine(parent, "ironbark-test-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
