package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JvmFlagsTest {

  @Test
  @DisplayName("Reads whether the JVM compiles huge methods from the JVM itself, started with the flag and without it")
  void readsTheFlag() throws Exception {
    assertThat(probe(JvmFlags.COMPILE_HUGE_METHODS)).isEqualTo("true");
    assertThat(probe()).isEqualTo("false");
  }

  @Test
  @DisplayName("Advises the flag to a JVM that runs a gateway without it, and to no other")
  void advisesAGatewayOnly() {
    assertThat(JvmFlags.advice(EnumSet.allOf(Role.class), false)).get().asString().contains(JvmFlags.COMPILE_HUGE_METHODS);
    assertThat(JvmFlags.advice(Set.of(Role.GATEWAY), false)).isPresent();
    assertThat(JvmFlags.advice(Set.of(Role.GATEWAY), true)).isEmpty();
    assertThat(JvmFlags.advice(EnumSet.complementOf(EnumSet.of(Role.GATEWAY)), false)).isEmpty();
  }

  /** What {@link JvmFlags#hugeMethodsCompiled()} says in a JVM of its own started with {@code flags}. */
  private static String probe(String... flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(flags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  /** The probe JVM's main: prints {@link JvmFlags#hugeMethodsCompiled()}. */
  static final class Probe {
    public static void main(String[] args) {
      System.out.print(JvmFlags.hugeMethodsCompiled());
    }
  }
}
