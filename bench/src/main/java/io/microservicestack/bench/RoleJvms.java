package io.microservicestack.bench;

import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack's roles as separate JVMs clustered over Hazelcast on 127.0.0.1, started from {@code stack.jar} the way
 * docs/distributed.md runs them by hand: a gateway, two user JVMs (the gateway proxies {@code POST /user} to the
 * first; RPC and the outbox relay run on both), user-queue and slack. The soak kills one with SIGKILL and starts it
 * again on the same ports, and asks each for its heap after a full GC ({@code jcmd}).
 *
 * <p>Every JVM inherits this process's environment (the script sets the run's schema, exchange, queues, key prefix
 * and cluster name there) plus its ports and the PostgreSQL and RabbitMQ URIs of the soak's proxies. Each JVM's pid is
 * appended to {@code pidFile}: the JVMs outlive the probe (the script checks that the outbox and the queues drain
 * after it), and the script stops them by those pids at the end. Process handling
 * blocks: the methods that do it run on a worker thread ({@link Vertx#executeBlocking}).
 */
final class RoleJvms {

  /** A role JVM: its name in the report, the role argument, the port its {@code /health/ready} answers on. */
  record Jvm(String name, String role, int port, Map<String, String> env) {
  }

  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private final Vertx vertx;
  private final Path stackJar;
  private final Path logDir;
  private final Path pidFile;
  private final List<String> javaOptions;
  private final Map<String, Jvm> jvms = new LinkedHashMap<>();
  private final Map<String, Process> processes = new HashMap<>();
  private final HttpClientAgent http;

  RoleJvms(Vertx vertx, Path stackJar, Path logDir, Path pidFile, List<String> javaOptions, String pgUri, String amqpUri) {
    this.vertx = vertx;
    this.stackJar = stackJar;
    this.logDir = logDir;
    this.pidFile = pidFile;
    this.javaOptions = javaOptions;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(5));
    int[] ports = TestInfrastructure.freePorts(5);
    Map<String, String> common = Map.of("PG_URI", pgUri, "AMQP_URI", amqpUri, "HTTP_HOST", "127.0.0.1",
      "USER_SERVICE_PORT", String.valueOf(ports[1]), "SLACK_SERVICE_PORT", String.valueOf(ports[3]),
      "GATEWAY_HTTP_PORT", String.valueOf(ports[0]), "USER_QUEUE_HTTP_PORT", String.valueOf(ports[4]),
      "SLACK_HTTP_PORT", String.valueOf(ports[3]));
    add(new Jvm("gateway", "gateway", ports[0], with(common, Map.of())));
    add(new Jvm("user-1", "user", ports[1], with(common, Map.of("USER_HTTP_PORT", String.valueOf(ports[1])))));
    add(new Jvm("user-2", "user", ports[2], with(common, Map.of("USER_HTTP_PORT", String.valueOf(ports[2])))));
    add(new Jvm("slack", "slack", ports[3], with(common, Map.of())));
    add(new Jvm("user-queue", "user-queue", ports[4], with(common, Map.of())));
  }

  int gatewayPort() {
    return jvms.get("gateway").port();
  }

  List<String> names() {
    return List.copyOf(jvms.keySet());
  }

  /** Starts every JVM: the first user JVM alone first (it migrates the schema), then the others; waits until all are ready. */
  Future<Void> startAll(long deadlineNanos) {
    return start("user-1").compose(v -> awaitReady("user-1", deadlineNanos))
      .compose(v -> Future.all(names().stream().filter(name -> !name.equals("user-1")).map(this::start).toList()))
      .compose(v -> awaitAllReady(deadlineNanos));
  }

  /** Starts the JVM {@code name} (again, after a kill: same ports, same settings). */
  Future<Void> start(String name) {
    Jvm jvm = jvms.get(name);
    return vertx.executeBlocking(() -> {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:-DontCompileHugeMethods", "-XX:TrimNativeHeapInterval=1000"));
      command.addAll(javaOptions);
      command.addAll(List.of("-jar", stackJar.toString(), jvm.role(), "--cluster"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
      builder.environment().putAll(jvm.env());
      Process process = builder.start();
      Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      synchronized (processes) {
        processes.put(name, process);
      }
      return null;
    });
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster, in-flight requests and unacked deliveries cut off. */
  Future<Void> kill(String name) {
    return vertx.executeBlocking(() -> {
      Process process;
      synchronized (processes) {
        process = processes.get(name);
      }
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return null;
    });
  }

  /** Polls every JVM's {@code /health/ready} until all answer 200 (its own dependencies and the cluster answer). */
  Future<Void> awaitAllReady(long deadlineNanos) {
    return Future.all(names().stream().map(name -> awaitReady(name, deadlineNanos)).toList()).mapEmpty();
  }

  Future<Void> awaitReady(String name, long deadlineNanos) {
    return ready(name).compose(ready -> {
      if (ready) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadlineNanos) {
        return Future.failedFuture("the " + name + " JVM was not ready in time (see its log in " + logDir + ")");
      }
      return vertx.timer(200).compose(t -> awaitReady(name, deadlineNanos));
    });
  }

  private Future<Boolean> ready(String name) {
    return http.request(new RequestOptions().setHost("127.0.0.1").setPort(jvms.get(name).port()).setURI("/health/ready"))
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> response.statusCode() == 200))
      .otherwise(false);
  }

  /** Each running JVM's heap in use after a full GC, in MiB ({@code jcmd <pid> GC.run}, then {@code GC.heap_info}). */
  Future<Map<String, Double>> heapAfterGc() {
    return vertx.executeBlocking(() -> {
      Map<String, Double> heap = new LinkedHashMap<>();
      for (String name : names()) {
        Process process;
        synchronized (processes) {
          process = processes.get(name);
        }
        if (process != null && process.isAlive()) {
          jcmd(process.pid(), "GC.run");
          Matcher used = HEAP_USED.matcher(jcmd(process.pid(), "GC.heap_info"));
          long kib = 0;
          while (used.find()) {
            kib += Long.parseLong(used.group(1));
          }
          heap.put(name, Math.round(kib / 102.4) / 10.0);
        }
      }
      return heap;
    });
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
      .redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }

  private void add(Jvm jvm) {
    jvms.put(jvm.name(), jvm);
  }

  private static Map<String, String> with(Map<String, String> common, Map<String, String> own) {
    Map<String, String> env = new HashMap<>(common);
    env.putAll(own);
    return env;
  }

}
