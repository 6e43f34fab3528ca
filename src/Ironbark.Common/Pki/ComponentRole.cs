using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Ironbark.Common.Pki;

/// <summary>
/// What a certificate of the cloud CA may speak as: a component, or the operator's admin tools. The role is
/// written into the certificate as one subject alternative name URI, <c>urn:ironbark:role:NAME</c>; the
/// internal gRPC methods are authorized by it (<see cref="InternalCallPolicy"/>), never by the subject name.
/// </summary>
public sealed class ComponentRole
{
    public const string UriPrefix = "urn:ironbark:role:";

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    // GeneralName's uniformResourceIdentifier is [6] IMPLICIT IA5String (RFC 5280, 4.2.1.6).
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static readonly ComponentRole Clc = new("clc");
    public static readonly ComponentRole Walrus = new("walrus");
    public static readonly ComponentRole Cc = new("cc");
    public static readonly ComponentRole Sc = new("sc");
    public static readonly ComponentRole Nc = new("nc");
    /// <summary>The operator's command line (`ironbark admin describe-nodes`): it reads, it does not act.</summary>
    public static readonly ComponentRole Admin = new("admin");

    /// <summary>Every role; <c>ironbark init</c> issues one certificate for each.</summary>
    public static IReadOnlyList<ComponentRole> All { get; } = [Clc, Walrus, Cc, Sc, Nc, Admin];

    private ComponentRole(string name) => Name = name;

    /// <summary>The short name, also the file name of the role's certificate in DATA/pki.</summary>
    public string Name { get; }

    /// <summary>The subject alternative name that carries the role.</summary>
    public Uri Uri => new(UriPrefix + Name);

    public override string ToString() => Name;

    public static ComponentRole? Named(string name) => All.FirstOrDefault(r => r.Name == name);

    /// <summary>
    /// The role <paramref name="certificate"/> names, or null when it names none, names one Ironbark does not
    /// know, or names more than one (a certificate speaks for one role or for none).
    /// </summary>
    public static ComponentRole? Of(X509Certificate2 certificate)
    {
        // Counted in any case, accepted only as written: "URN:IRONBARK:ROLE:cc" beside a role makes it ambiguous, alone it is none.
        var roles = UrisOf(certificate).Where(u => u.StartsWith(UriPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return roles is [var only] && only.StartsWith(UriPrefix, StringComparison.Ordinal) ? Named(only[UriPrefix.Length..]) : null;
    }

    private static List<string> UrisOf(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        if (certificate.Extensions[SubjectAlternativeNameOid] is not { } extension)
            return uris;
        try
        {
            var outer = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (names.HasData)
            {
                if (names.PeekTag() == UriTag)
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                else
                    names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
            // An extension that does not parse names nothing we could trust.
            return [];
        }
        return uris;
    }
}
