package io.microservicestack.stack;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Prometheus server of the test's own (Debian's {@code prometheus} package: {@code /usr/bin/prometheus} and
 * {@code /usr/bin/promtool}), on a free port with a temporary data directory, scraping the given targets every
 * second. {@link #close()} kills it. Without Prometheus a test is skipped with how to install it, except when
 * {@code CI=true}: there it fails.
 */
final class PrometheusServer implements AutoCloseable {

  static final Path PROMETHEUS = Path.of(System.getProperty("prometheus.bin", "/usr/bin/prometheus"));
  static final Path PROMTOOL = Path.of(System.getProperty("promtool.bin", "/usr/bin/promtool"));
  private static final String INSTALL = "sudo apt-get install -y prometheus";

  private final Process process;
  private final Path dir;
  final Path log;
  final String url;

  private PrometheusServer(Process process, Path dir, Path log, String url) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.url = url;
  }

  /** Skips the calling test (fails it when {@code CI=true}) when Prometheus or promtool is not installed. */
  static void assumeInstalled() {
    if (Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL)) {
      return;
    }
    String missing = "The metrics tests need Prometheus and promtool (" + PROMETHEUS + ", " + PROMTOOL
      + "). Install them with `" + INSTALL + "` (Debian/Ubuntu), or point -Dprometheus.bin and -Dpromtool.bin at them.";
    if (Browser.inCi()) {
      fail("CI=true and " + missing);
    }
    Assumptions.abort("Skipped: " + missing);
  }

  /** Starts Prometheus scraping {@code targets} ({@code host:port}, path {@code /metrics}) every second; waits until ready. */
  static PrometheusServer start(String name, List<String> targets) throws Exception {
    assumeInstalled();
    Path dir = Files.createTempDirectory("prometheus-" + name);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
      global:
        scrape_interval: 1s
        evaluation_interval: 1s
      scrape_configs:
        - job_name: stack
          static_configs:
            - targets: [%s]
      """.formatted(targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))));
    int port = StackProcess.freePort();
    Path log = Path.of("target", "it-logs", "prometheus-" + name + ".log");
    Files.createDirectories(log.getParent());
    Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
      "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"))
      .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(process, dir, log, "http://127.0.0.1:" + port);
    try {
      server.awaitReady(Duration.ofSeconds(30));
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (StackProcess.get(url + "/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("Prometheus was not ready within " + timeout + ":\n" + Files.readString(log));
  }

  /** The result vector of an instant query (each element {@code {"metric": {...}, "value": [time, "text"]}}). */
  JsonArray query(String promql) throws Exception {
    var response = StackProcess.get(url + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonObject body = new JsonObject(response.body());
    if (!"success".equals(body.getString("status"))) {
      throw new AssertionError("Query " + promql + " failed: " + response.body());
    }
    return body.getJsonObject("data").getJsonArray("result");
  }

  /** The value of a query that gives one number, or empty when it gives none (yet). */
  OptionalDouble value(String promql) throws Exception {
    JsonArray result = query(promql);
    return result.isEmpty() ? OptionalDouble.empty()
      : OptionalDouble.of(Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1)));
  }

  /** What {@code promtool check metrics} says about {@code scrape} (empty: nothing wrong), with its exit code. */
  static String check(String scrape) throws Exception {
    Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = promtool.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
      promtool.destroyForcibly();
      throw new AssertionError("promtool check metrics did not finish");
    }
    return (promtool.exitValue() == 0 ? "" : "exit " + promtool.exitValue() + ": ") + output.trim();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (var files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.toList());
      java.util.Collections.reverse(all);
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    }
  }
}
