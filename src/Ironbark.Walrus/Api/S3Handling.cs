namespace Ironbark.Walrus.Api;

/// <summary>How Walrus answers an S3 operation.</summary>
public enum S3Handling
{
    /// <summary>Walrus performs the operation.</summary>
    Served,
    /// <summary>A configuration Walrus cannot hold: answered as AWS answers a bucket where it is not set.</summary>
    NotSet,
    /// <summary>Refused with NotImplemented (501) before anything is read or written.</summary>
    NotImplemented,
}
