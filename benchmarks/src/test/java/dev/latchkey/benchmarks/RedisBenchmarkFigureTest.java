package dev.latchkey.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.latchkey.benchmarks.RedisServerStats.RedisBenchmarkFigure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figure read from {@code redis-benchmark -q}'s output, for the Redis floor rows. */
class RedisBenchmarkFigureTest {
  @Test
  void redisBenchmarkFigureIsTheLastSummaryPastTheProgressLines() {
    // As redis-benchmark -q prints it: progress lines ended by carriage returns, then the summary.
    String out =
        "\rGET floor: rps=0.0 (overall: -nan) avg_msec=-nan (overall: -nan)\r      \r"
            + "GET floor: rps=25120.0 (overall: 25120.0) avg_msec=0.039 (overall: 0.039)\r"
            + "GET floor: 25000.00 requests per second, p50=0.039 msec\n";

    RedisBenchmarkFigure figure = RedisBenchmarkFigure.parse(out).orElseThrow();
    assertThat(figure.meanMicros()).isCloseTo(40.0, within(1e-9));
    assertThat(figure.p50Micros()).isCloseTo(39.0, within(1e-9));
  }

  @Test
  void redisBenchmarkWithoutASummaryGivesNoFigure() {
    for (String out :
        List.of(
            "",
            "Could not connect to Redis at 127.0.0.1:1: Connection refused\n",
            "GET floor: 0.00 requests per second\n")) {
      assertThat(RedisBenchmarkFigure.parse(out)).as(out).isEmpty();
    }
  }
}
