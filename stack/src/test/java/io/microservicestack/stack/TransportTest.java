package io.microservicestack.stack;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

class TransportTest {

  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
  @DisplayName("Runs on Netty's epoll transport on Linux x86-64 and ARM64: the jar carries their native libraries")
  void prefersEpoll() {
    Vertx vertx = Vertx.builder().with(RunningStack.transport(new VertxOptions())).build();
    try {
      assertThat(vertx.isNativeTransportEnabled()).as("%s", vertx.unavailableNativeTransportCause()).isTrue();
    } finally {
      vertx.close().await();
    }
  }
}
