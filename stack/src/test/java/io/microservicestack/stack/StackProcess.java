package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code stack.jar} run as a separate JVM, as a container would run it; its output goes to a log
 * file under {@code target/it-logs}. {@link #close()} kills it (and waits), also when a test failed.
 */
final class StackProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path log;

  private StackProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the jar with the test's servers ({@link TestInfrastructure}) and {@code env} added to this JVM's
   * environment.
   */
  static StackProcess start(String name, Map<String, String> env, String... args) throws IOException {
    Map<String, String> withServers = new java.util.HashMap<>(Map.of(
      "PG_URI", TestInfrastructure.pgUri(), "REDIS_URI", TestInfrastructure.redisUri(), "AMQP_URI", TestInfrastructure.amqpUri(),
      "USER_QUEUE_HTTP_PORT", "0"));
    withServers.putAll(env);
    return startWith(name, withServers, List.of(), args);
  }

  /**
   * Starts the jar with {@code env} added to this JVM's environment, less the variables named in {@code unset}.
   */
  static StackProcess startWith(String name, Map<String, String> env, List<String> unset, String... args) throws IOException {
    return startWith(name, env, unset, List.of(), args);
  }

  /**
   * Starts the jar with {@code env} added to this JVM's environment, less the variables named in {@code unset}, and
   * {@code jvmOptions} (such as {@code -Dname=value}) before {@code -jar}.
   */
  static StackProcess startWith(String name, Map<String, String> env, List<String> unset, List<String> jvmOptions,
                                String... args) throws IOException {
    String jar = System.getProperty("stack.jar", "target/stack.jar");
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    Path log = Path.of("target", "it-logs", name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeAll(unset);
    builder.environment().putAll(env);
    return new StackProcess(builder.start(), log);
  }

  /** A port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits (bounded) until {@code url} answers 200; fails with the process log if it never does. */
  void awaitOk(String url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("The stack exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (get(url).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(url + " did not answer 200 within " + timeout + ":\n" + Files.readString(log));
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Sends SIGTERM and waits for the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The stack did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /** A websocket on {@code gatewayUrl}'s live feed that collects its frames. */
  static WebSocket liveFeed(String gatewayUrl, List<String> frames) throws Exception {
    return HttpClient.newHttpClient().newWebSocketBuilder()
      .buildAsync(URI.create(gatewayUrl.replace("http", "ws") + "/ws/users"), new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          frames.add(data.toString());
          ws.request(1);
          return null;
        }
      }).get(10, TimeUnit.SECONDS);
  }
}
