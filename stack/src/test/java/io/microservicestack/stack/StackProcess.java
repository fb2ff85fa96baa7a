package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.testing.StackHttp;
import org.awaitility.core.ConditionTimeoutException;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The built {@code stack.jar} run as a separate JVM, as a container would run it; its output goes to a log
 * file under {@code target/it-logs}. {@link #close()} kills it (and waits), also when a test failed. While it runs
 * the gateway, every answer of the gateway's public routes that {@link #get} and {@link #postJson} get is checked
 * against the contract ({@link StackHttp}).
 */
final class StackProcess implements AutoCloseable {

  final Process process;
  final Path log;
  private final Map<String, String> env;
  /** The port of the gateway this process runs (its answers are checked against the contract), or null. */
  private final Integer gatewayPort;

  private StackProcess(Process process, Path log, Map<String, String> env, Integer gatewayPort) {
    this.process = process;
    this.log = log;
    this.env = Map.copyOf(env);
    this.gatewayPort = gatewayPort;
    if (gatewayPort != null) {
      StackHttp.gatewayStarted(gatewayPort);
    }
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
    String gatewayPort = env.get("GATEWAY_HTTP_PORT");
    return new StackProcess(builder.start(), log, env,
      gatewayPort != null && runsGateway(args) ? Integer.valueOf(gatewayPort) : null);
  }

  /** Whether the launcher's {@code args} (roles and flags) run the gateway. */
  private static boolean runsGateway(String... args) {
    try {
      return Role.parse(Arrays.stream(args).filter(arg -> !arg.startsWith("-")).toList()).contains(Role.GATEWAY);
    } catch (IllegalArgumentException notRoles) {
      return false;
    }
  }

  /** The start of the launcher's last startup line ({@code ready in 1234 ms: http://localhost:8100/ ...}). */
  static final String READY_LINE = "ready in ";

  /** How often a start is tried on new ports when one of them was taken before the JVM bound it. */
  static final int PORT_ATTEMPTS = 3;

  /** Starts one or more JVMs on the ports it is given, waits until they serve, and closes them again if not. */
  @FunctionalInterface
  interface OnPorts<T> {
    T start(int[] ports) throws Exception;
  }

  /**
   * Runs {@code attempt} with {@code count} distinct ports that were free a moment ago. Another process can take
   * one of them before the stack binds it; the stack then exits saying "the port is in use" ({@link #awaitOk}
   * throws {@link PortInUse}), and the attempt is repeated on new ports, up to {@value #PORT_ATTEMPTS} times.
   */
  static <T> T onFreePorts(int count, OnPorts<T> attempt) throws Exception {
    for (int n = 1; ; n++) {
      try {
        return attempt.start(TestInfrastructure.freePorts(count));
      } catch (PortInUse e) {
        if (n == PORT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The stack exited because a port it was given was taken. */
  static final class PortInUse extends AssertionError {
    PortInUse(String message) {
      super(message);
    }
  }

  /**
   * One port that was free a moment ago, for a test that retries itself when it was taken before the stack bound it
   * (as {@link #onFreePorts} does for you).
   */
  static int freePort() {
    return TestInfrastructure.freePorts(1)[0];
  }

  /**
   * Waits (bounded) until {@code url} answers 200; fails with the process log if it never does, or at once if the
   * process exits ({@link PortInUse} when it exited because a port was taken).
   */
  void awaitOk(String url, Duration timeout) throws Exception {
    try {
      await(log.getFileName() + " answering 200 on " + url)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> !process.isAlive() || get(url).statusCode() == 200);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(url + " did not answer 200 within " + timeout + ":\n" + output(), e);
    }
    if (!process.isAlive()) {
      String output = output();
      String message = "The stack exited with " + process.exitValue() + ":\n" + output;
      throw output.contains("the port is in use") || output.contains("Address already in use")
        ? new PortInUse(message) : new AssertionError(message);
    }
  }

  /**
   * Waits (bounded) until the server on the port given as {@code portVariable} answers {@code GET /health} with
   * 200 and returns this process; kills it first when it does not (see {@link #awaitOk}).
   */
  StackProcess awaitHealthy(String portVariable, Duration timeout) throws Exception {
    try {
      awaitOk(url(portVariable) + "/health", timeout);
      return this;
    } catch (Throwable e) {
      close();
      throw e;
    }
  }

  /**
   * {@code GET url} with {@code headers} (name, value, name, value...); an answer of a gateway's public route is checked
   * against the contract ({@link StackHttp}).
   */
  static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    return StackHttp.send(headers.length == 0 ? request.build() : request.headers(headers).build());
  }

  /** {@code POST url} of a JSON body, with {@code headers} (name, value, name, value...); checked as {@link #get} is. */
  static HttpResponse<String> postJson(String url, String json, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    return StackHttp.send(headers.length == 0 ? request.build() : request.headers(headers).build());
  }

  /** {@code http://127.0.0.1:PORT}, PORT being the value this process was given for {@code portVariable}. */
  String url(String portVariable) {
    return "http://127.0.0.1:" + env.get(portVariable);
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
    if (gatewayPort != null) {
      StackHttp.gatewayStopped(gatewayPort);
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
