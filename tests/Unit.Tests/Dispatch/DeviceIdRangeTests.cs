using IotHubJobs.Dispatch;

namespace Unit.Tests.Dispatch;

public class DeviceIdRangeTests
{
    [Fact]
    public void The_bounds_are_the_lowest_and_highest_device_ids_in_any_order_of_the_batch()
    {
        var range = DeviceIdRange.Of(["device-0042", "device-0007", "device-0100", "device-0010"]);

        Assert.Equal(new DeviceIdRange("device-0007", "device-0100"), range);
    }

    [Fact]
    public void Device_ids_are_ordered_as_the_ledgers_C_collation_orders_them_by_UTF8_bytes_not_by_UTF16_code_units()
    {
        // U+FF21 (UTF-8 EF BC A1) sorts before U+1F600 (F0 9F 98 80) by bytes, after it by UTF-16 units (FF21 > D83D).
        var range = DeviceIdRange.Of(["d-\U0001F600", "d-\uFF21", "D-upper"]);

        Assert.Equal(new DeviceIdRange("D-upper", "d-\U0001F600"), range);
    }

    [Fact]
    public void An_empty_batch_has_a_range_no_device_id_falls_in()
    {
        var range = DeviceIdRange.Of([]);

        Assert.True(string.CompareOrdinal(range.Lowest, range.Highest) > 0);
    }
}
