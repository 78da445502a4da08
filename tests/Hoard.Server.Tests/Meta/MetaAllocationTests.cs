namespace Hoard.Server.Tests.Meta;

public sealed class MetaAllocationTests
{
    [Fact]
    public void Meta_commands_do_not_allocate()
    {
        using var cache = new MetaHarness();
        var requests = new[]
        {
            "ms alloc 5 T100 F3 c k O1\r\nhello\r\n"u8.ToArray(),
            "mg alloc v c f t s k O1 h l\r\n"u8.ToArray(),
            "mg Zm9v b k v N30\r\n"u8.ToArray(),
            "ma ctr N0 J5 v t c\r\n"u8.ToArray(),
            "md gone q\r\n"u8.ToArray(),
            "me alloc\r\n"u8.ToArray(),
            "mn\r\n"u8.ToArray(),
        };
        foreach (var request in requests)
            cache.Send(request);

        var allocated = new long[requests.Length];
        for (int r = 0; r < requests.Length; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                cache.SendWithoutCopy(requests[r]);
            allocated[r] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(new long[requests.Length], allocated);
    }
}
