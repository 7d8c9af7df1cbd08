using Benchmark;

namespace Unit.Tests.Benchmark;

/// <summary>The messages a service sent and received, read from its /metrics as the MassTransit meter exports them.</summary>
public sealed class BusCountersSpecs
{
    [Fact]
    public void Sends_and_receives_are_summed_over_every_series_and_nothing_else_counts()
    {
        const string metrics = """
            # TYPE messaging_masstransit_send_ea_total counter
            messaging_masstransit_send_ea_total{otel_scope_name="MassTransit",messaging_masstransit_message_type="A"} 12 1764745200000
            messaging_masstransit_send_ea_total{otel_scope_name="MassTransit",messaging_masstransit_message_type="B"} 3
            messaging_masstransit_send_errors_ea_total{otel_scope_name="MassTransit"} 100
            messaging_masstransit_receive_ea_total{otel_scope_name="MassTransit",messaging_masstransit_destination="q"} 7
            messaging_masstransit_receive_active_ea_total{otel_scope_name="MassTransit"} 50
            messaging_masstransit_consume_ea_total{otel_scope_name="MassTransit"} 7
            """;

        Assert.Equal((15, 7), BusCounters.Sum(metrics));
    }
}
