using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// A listening TCP socket made inside a network namespace while the NC stays in its own: a dedicated thread enters the
/// namespace (setns), creates and binds the socket and goes back. A socket belongs to the namespace it was created in
/// for its whole life, so it accepts the VMs' connections there.
/// </summary>
internal static class NamespaceSocket
{
    private const int CloneNewNet = 0x40000000;

    public static Task<Socket> ListenAsync(string ns, IPEndPoint endpoint)
    {
        var done = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(ListenIn(ns, endpoint));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "netns " + ns };
        thread.Start();
        return done.Task;
    }

    private static Socket ListenIn(string ns, IPEndPoint endpoint)
    {
        using var own = File.OpenHandle("/proc/thread-self/ns/net");
        using var target = File.OpenHandle(Path.Combine("/run/netns", ns));
        if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0)
            throw new IOException($"setns into network namespace {ns} failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(endpoint);
                socket.Listen(128);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        finally
        {
            if (SetNs((int)own.DangerousGetHandle(), CloneNewNet) != 0)
                Environment.FailFast($"setns back from network namespace {ns} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
