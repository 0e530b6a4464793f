package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.deploy.PromQl.Selector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selector reader the metric-contract checks rely on. */
class PromQlTest {

    @Test
    void findsMetricsAndMatchersButNotFunctionsAggregationsOrGroupingLabels() {
        String expr = """
                histogram_quantile(0.99, sum by (le, outcome) (rate(wxai_ingress_ack_seconds_bucket{outcome="accepted", namespace=~"$namespace"}[$__rate_interval])))
                > 3 and on (namespace) group_left (application)
                deriv(sum without (instance) (kafka_consumer_fetch_manager_records_lag{topic=~"wechat[._]inbound"})[5m:1m]) > 0
                or absent(up{job="a,b}"}) unless max(process_cpu_usage offset 5m) > bool 1e3 * 60
                """;
        assertThat(PromQl.selectors(expr)).containsExactly(
                new Selector("wxai_ingress_ack_seconds_bucket",
                        Map.of("outcome", "=\"accepted\"", "namespace", "=~\"$namespace\"")),
                new Selector("kafka_consumer_fetch_manager_records_lag", Map.of("topic", "=~\"wechat[._]inbound\"")),
                new Selector("up", Map.of("job", "=\"a,b}\"")),
                new Selector("process_cpu_usage", Map.of()));
    }

    @Test
    void refusesSelectorsThatHideTheMetricName() {
        assertThatThrownBy(() -> PromQl.selectors("sum(rate({__name__=~\"wxai_.*\"}[5m]))"))
                .hasMessageContaining("without a metric name");
        assertThatThrownBy(() -> PromQl.selectors("up{job=\"x\", job=\"y\"}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PromQl.selectors("up{job=\"x\"")).isInstanceOf(IllegalArgumentException.class);
    }
}
