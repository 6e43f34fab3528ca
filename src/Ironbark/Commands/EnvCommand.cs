using System.CommandLine;
using Ironbark.Clc.Identity;

namespace Ironbark.Commands;

/// <summary>
/// `ironbark env`: shell exports for the cloud admin, like Eucalyptus' eucarc. Besides the standard
/// variables it defines an `aws` shell function that adds the endpoint for CLIs older than 2.13,
/// which do not read AWS_ENDPOINT_URL_*.
/// </summary>
public static class EnvCommand
{
    public static Command Create() =>
        HomeCommand.Bind(new Command("env", "Print shell exports of the cloud admin's credentials and endpoints (eval \"$(ironbark env)\")"),
            async (_, home, accounts, ct) =>
        {
            var admin = await accounts.FindAccountAsync(Account.AdminName, ct);
            var keyId = (await accounts.ListAccessKeyIdsAsync(admin!.Id, ct)).FirstOrDefault();
            if (keyId is null)
            {
                Console.Error.WriteLine("The admin account has no access key; create one with `ironbark admin create-access-key --account admin`.");
                return 1;
            }
            var (key, _) = (await accounts.ResolveAsync(keyId, ct))!.Value;
            var endpoints = home.ReadEndpoints();
            Console.WriteLine($"export AWS_ACCESS_KEY_ID={key.AccessKeyId}");
            Console.WriteLine($"export AWS_SECRET_ACCESS_KEY={key.SecretAccessKey}");
            Console.WriteLine($"export AWS_DEFAULT_REGION={endpoints.Region}");
            Console.WriteLine($"export S3_URL={endpoints.S3Url}");
            Console.WriteLine($"export AWS_ENDPOINT_URL_S3={endpoints.S3Url}");
            Console.WriteLine($"export EC2_URL={endpoints.Ec2Url}");
            Console.WriteLine($"export AWS_ENDPOINT_URL_EC2={endpoints.Ec2Url}");
            // STS (GetCallerIdentity) answers on the CLC's port, at / and at Eucalyptus's /services/Tokens.
            Console.WriteLine($"export STS_URL={endpoints.Ec2Url}/services/Tokens");
            Console.WriteLine($"export AWS_ENDPOINT_URL_STS={endpoints.Ec2Url}/services/Tokens");
            // KMS answers on the CLC's port too, at / (docs/kms.md).
            Console.WriteLine($"export KMS_URL={endpoints.Ec2Url}");
            Console.WriteLine($"export AWS_ENDPOINT_URL_KMS={endpoints.Ec2Url}");
            // `up` with the VPC network: public and elastic IPs answer in this namespace (ip netns exec "$IRONBARK_OUTSIDE_NETNS" ssh …).
            if (endpoints.OutsideNamespace is { } outside)
                Console.WriteLine($"export IRONBARK_OUTSIDE_NETNS={outside}");
            Console.WriteLine("aws() { case \"$1\" in s3|s3api) command aws --endpoint-url \"$S3_URL\" \"$@\";; ec2) command aws --endpoint-url \"$EC2_URL\" \"$@\";; sts) command aws --endpoint-url \"$STS_URL\" \"$@\";; kms) command aws --endpoint-url \"$KMS_URL\" \"$@\";; *) command aws \"$@\";; esac; }");
            return 0;
        });
}
