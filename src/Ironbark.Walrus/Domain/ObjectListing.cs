using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>One page of a listing: objects, the common prefixes rolled up by the delimiter, and where to go on.</summary>
/// <param name="Next">The last key or common prefix returned; the listing continues after it.</param>
public sealed record ObjectListing(IReadOnlyList<ObjectRow> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? Next);
