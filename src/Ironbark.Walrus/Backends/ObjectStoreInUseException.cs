namespace Ironbark.Walrus.Backends;

/// <summary>Another process already owns the object store's directory.</summary>
public sealed class ObjectStoreInUseException(string directory, Exception inner)
    : Exception($"{directory} is in use by another Walrus process ({inner.Message}).", inner)
{
    public string Directory { get; } = directory;
}
