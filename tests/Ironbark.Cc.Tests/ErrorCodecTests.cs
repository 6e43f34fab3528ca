using Grpc.Core;
using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Tests;

/// <summary>The one wire format of refusals between the cloud's components: status, "Code: message" detail, code trailer.</summary>
public sealed class ErrorCodecTests
{
    [Theory]
    [InlineData(ErrorKind.NotFound, StatusCode.NotFound)]
    [InlineData(ErrorKind.Invalid, StatusCode.InvalidArgument)]
    [InlineData(ErrorKind.Capacity, StatusCode.ResourceExhausted)]
    [InlineData(ErrorKind.Unavailable, StatusCode.Unavailable)]
    [InlineData(ErrorKind.Failed, StatusCode.Internal)]
    public void A_refusal_goes_on_the_wire_as_status_detail_and_trailer_and_reads_back_the_same(ErrorKind kind, StatusCode status)
    {
        var e = ErrorCodec.Encode("IncorrectInstanceState", "The instance 'i-1' is not in a state: running", kind);

        Assert.Equal(status, e.StatusCode);
        Assert.Equal("IncorrectInstanceState: The instance 'i-1' is not in a state: running", e.Status.Detail);
        Assert.Equal("IncorrectInstanceState", e.Trailers.GetValue("ironbark-error-code"));
        Assert.Equal(new RpcFailure("IncorrectInstanceState", "The instance 'i-1' is not in a state: running", kind), ErrorCodec.Decode(Received(e)));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, ErrorKind.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded, ErrorKind.Unavailable)]
    [InlineData(StatusCode.Internal, ErrorKind.Unavailable)]
    [InlineData(StatusCode.PermissionDenied, ErrorKind.Failed)]
    [InlineData(StatusCode.Unknown, ErrorKind.Failed)]
    [InlineData(StatusCode.NotFound, ErrorKind.NotFound)]
    [InlineData(StatusCode.ResourceExhausted, ErrorKind.Capacity)]
    public void A_call_without_the_trailer_got_no_answer_from_the_service(StatusCode status, ErrorKind kind)
    {
        var failure = ErrorCodec.Decode(new RpcException(new Status(status, "Error connecting to subchannel.")));

        Assert.Equal(new RpcFailure(null, "Error connecting to subchannel.", kind), failure);
    }

    [Fact]
    public void A_detail_that_does_not_start_with_the_code_is_kept_whole()
    {
        var e = new RpcException(new Status(StatusCode.Internal, "something else"), new Metadata { { ErrorCodec.TrailerName, "InternalError" } });

        Assert.Equal(new RpcFailure("InternalError", "something else", ErrorKind.Failed), ErrorCodec.Decode(e));
    }

    /// <summary>The exception as a client sees it: the trailers travel as the response's metadata, not as the server's exception.</summary>
    private static RpcException Received(RpcException sent)
    {
        var trailers = new Metadata();
        foreach (var entry in sent.Trailers)
            trailers.Add(entry.Key, entry.Value);
        return new RpcException(sent.Status, trailers);
    }
}
