package io.microservicestack.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM that starts an embedded server, prints its URI and waits: the test kills it with SIGKILL to see
 * what a JVM that dies without running any shutdown hook leaves behind.
 */
final class ChildJvm implements AutoCloseable {

  private static final String URI_PREFIX = "EMBEDDED-URI ";

  private final Process process;
  private final CompletableFuture<String> uri = new CompletableFuture<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code java ... ChildJvm <server> [dataDir]} with this JVM's class path. Its temporary files go to
   * {@code tmpDir}, which the killed child cannot clean; PostgreSQL's binaries are shared with this JVM.
   */
  static ChildJvm start(Path tmpDir, String... args) throws IOException {
    String zonkyWorkingDir = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString();
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Djava.io.tmpdir=" + tmpDir,
      "-Dot.epg.working-dir=" + System.getProperty("ot.epg.working-dir", zonkyWorkingDir),
      "-cp", System.getProperty("java.class.path"),
      ChildJvm.class.getName()));
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The URI the child's server listens on, once it does (60 s at most). */
  String uri() throws Exception {
    return uri.get(60, TimeUnit.SECONDS);
  }

  /** SIGKILL: no shutdown hook, no finally block runs in the child. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private void readOutput() {
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines = new BufferedReader(
      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith(URI_PREFIX)) {
          uri.complete(line.substring(URI_PREFIX.length()).trim());
        }
      }
    } catch (IOException e) {
      // the child is gone
    }
    uri.completeExceptionally(new IllegalStateException("the child JVM ended without a URI:\n" + output));
  }

  /** The child: starts the server named by {@code args[0]}, prints its URI, then waits until it is killed. */
  public static void main(String[] args) throws Exception {
    EmbeddedServer server = switch (args[0]) {
      case "postgres" -> EmbeddedPostgres.start(Path.of(args[1]));
      case "redis" -> EmbeddedRedis.start();
      default -> throw new IllegalArgumentException(args[0]);
    };
    System.out.println(URI_PREFIX + server.uri());
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the kill
    }
  }
}
