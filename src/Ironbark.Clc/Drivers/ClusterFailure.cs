namespace Ironbark.Clc.Drivers;

/// <summary>How a call to a Cluster Controller failed, in the terms the CLC acts on.</summary>
public enum ClusterFailure
{
    /// <summary>The CC or the instance's node does not answer now; try again later.</summary>
    Unavailable,
    /// <summary>The CC does not know the instance.</summary>
    NotFound,
    /// <summary>No node has room (InsufficientInstanceCapacity).</summary>
    Capacity,
    /// <summary>The node or the CC refused the request (Code says why, e.g. IncorrectInstanceState).</summary>
    Refused,
}
