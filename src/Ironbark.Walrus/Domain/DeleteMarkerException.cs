using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>The addressed version is a delete marker: the S3 error plus the marker, whose headers S3 sends with it.</summary>
public sealed class DeleteMarkerException(WalrusException error, ObjectRow marker) : Exception(error.Message)
{
    public WalrusException Error { get; } = error;
    public ObjectRow Marker { get; } = marker;
}
