package io.microservicestack.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The set of ids sent to one feed client")
class IdSetTest {

  @Test
  @DisplayName("Every id up to the floor counts as sent, and an id is added only once.")
  void floorAndOnce() {
    IdSet ids = new IdSet(10);

    assertThat(ids.contains(0)).isTrue();
    assertThat(ids.contains(10)).isTrue();
    assertThat(ids.add(10)).isFalse();
    assertThat(ids.add(12)).isTrue();
    assertThat(ids.add(12)).isFalse();
    assertThat(ids.contains(11)).isFalse();
    assertThat(ids.add(11)).isTrue();
    assertThat(ids.contains(11)).isTrue();
    assertThat(ids.ranges()).isZero();
  }

  @Test
  @DisplayName("Consecutive ids merge, so memory grows with the gaps and not with the ids.")
  void mergesRanges() {
    IdSet ids = new IdSet(-1);
    for (long id = 100; id < 10_100; id++) {
      ids.add(id);
    }
    ids.add(20_000);
    ids.add(19_998);
    ids.add(19_999);

    assertThat(ids.ranges()).isEqualTo(2);
    assertThat(ids.contains(99)).isFalse();
    assertThat(ids.contains(5_000)).isTrue();
    assertThat(ids.contains(10_100)).isFalse();
    assertThat(ids.contains(19_999)).isTrue();
  }

  @Test
  @DisplayName("Past the range limit, the oldest gap is folded into the floor.")
  void boundedRanges() {
    IdSet ids = new IdSet(0);
    for (long i = 1; i <= IdSet.MAX_RANGES + 1; i++) {
      ids.add(i * 2);
    }

    assertThat(ids.ranges()).isEqualTo(IdSet.MAX_RANGES);
    assertThat(ids.contains(1)).as("the folded gap").isTrue();
    assertThat(ids.contains(3)).isFalse();
    assertThat(ids.contains(4)).isTrue();
    assertThat(ids.contains(5)).isFalse();
  }
}
