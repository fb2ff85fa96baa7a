package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class JvmFlagsTest {

  @Test
  @DisplayName("Reads whether this JVM compiles huge methods from the JVM itself")
  void readsTheFlag() {
    boolean given = ManagementFactory.getRuntimeMXBean().getInputArguments().contains(JvmFlags.COMPILE_HUGE_METHODS);
    assertThat(JvmFlags.hugeMethodsCompiled()).isEqualTo(given);
  }

  @Test
  @DisplayName("Advises the flag to a JVM that runs a gateway without it, and to no other")
  void advisesAGatewayOnly() {
    assertThat(JvmFlags.advice(EnumSet.allOf(Role.class), false)).get().asString().contains(JvmFlags.COMPILE_HUGE_METHODS);
    assertThat(JvmFlags.advice(Set.of(Role.GATEWAY), false)).isPresent();
    assertThat(JvmFlags.advice(Set.of(Role.GATEWAY), true)).isEmpty();
    assertThat(JvmFlags.advice(EnumSet.complementOf(EnumSet.of(Role.GATEWAY)), false)).isEmpty();
  }
}
