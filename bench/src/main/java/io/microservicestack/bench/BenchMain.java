package io.microservicestack.bench;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The probes' command line: {@code java -jar bench.jar <probe> [--option value ...]}. Each probe prints one JSON
 * object with its figures on standard output (logs go to standard error); {@code bench/run.sh} collects them.
 *
 * <pre>
 * latency --host 127.0.0.1 --port 8100 --redis redis://127.0.0.1:6379 --prefix slack: --rate 1000 --seconds 10 [--warmup 2] --tag t1
 *         [--amqp amqp://guest:guest@127.0.0.1:5672 --exchange events]   (the broker stage: see {@link LatencyProbe})
 * fanout  --host 127.0.0.1 --port 8100 --subscribers 10000 --events 20 --interval-ms 200 --tag t2 [--event-loops 4]
 * rpc     --cluster-xml cluster.xml --cluster-name bench --cluster-port 5701 [--warmup-ms 2000 --measure-ms 3000 --concurrency 16]
 * cpu     --stop-file F --ready-file R [--stack-pids 1,2 --load-pids 3 --hz 100]   (no Vert.x: see {@link CpuSampler})
 * spans   --port 9411 --out spans.jsonl   (a Zipkin intake that records while told to; runs until killed: {@link SpanSink})
 * stages  --spans spans.jsonl [--last 2000]   (where a create's time goes, from those spans: {@link TraceStages})
 * feedsoak --host 127.0.0.1 --port 8100 --pg-proxy-port-file f1 --amqp-proxy-port-file f2 [--pg-port 5432 --amqp-port 5672]
 *          --users 5000 --rate 200 --clients 20 --fault-interval-ms 8000 --cut-ms 2000 --tag t3
 * soak     --stack-jar stack.jar --log-dir d --pid-file f --minutes 10 [--seconds 0] [--pg-port 5432 --amqp-port 5672]
 *          --rate 100 --clients 20 --fault-interval-ms 15000 --cut-ms 3000 [--heap-check true] [--java-opts "..."] --tag t4
 * </pre>
 */
public final class BenchMain {

  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  private static final long PROBE_TIMEOUT_SECONDS = 900;

  private BenchMain() {
  }

  public static void main(String[] args) {
    if (args.length == 0) {
      LOG.error("usage: java -jar bench.jar latency|fanout|rpc|feedsoak|soak|cpu [--option value ...] (see BenchMain's javadoc)");
      System.exit(2);
    }
    Map<String, String> options = options(args);
    if (args[0].equals("cpu")) {
      cpu(options);
      return;
    }
    if (args[0].equals("spans") || args[0].equals("stages")) {
      spans(args[0], options);
      return;
    }
    Vertx vertx = null;
    int status = 0;
    try {
      vertx = vertx(args[0], options);
      // A soak's load lasts its minutes on top of the start-up and the final checks.
      long timeout = PROBE_TIMEOUT_SECONDS + 60 * Long.parseLong(options.getOrDefault("minutes", "0"));
      JsonObject result = probe(vertx, args[0], options).await(timeout, TimeUnit.SECONDS);
      Report.print(result.put("probe", args[0]));
    } catch (Exception e) {
      LOG.error("Probe {} failed", args[0], e);
      status = 1;
    } finally {
      if (vertx != null) {
        try {
          vertx.close().await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("Closing Vert.x: {}", e.toString());
        }
      }
    }
    System.exit(status);
  }

  /** The CPU sampler reads /proc on the main thread: no Vert.x, so that it costs next to nothing itself. */
  private static void cpu(Map<String, String> options) {
    try {
      Report.print(CpuSampler.run(options).put("probe", "cpu"));
      System.exit(0);
    } catch (Exception e) {
      LOG.error("The CPU sampler failed", e);
      System.exit(1);
    }
  }

  /** The span sink (runs until the process is killed) and the stage breakdown of what it recorded: no Vert.x. */
  private static void spans(String command, Map<String, String> options) {
    try {
      if (command.equals("spans")) {
        SpanSink.start(Integer.parseInt(required(options, "port")), Path.of(required(options, "out")));
        LOG.info("Span sink listening on 127.0.0.1:{}", options.get("port"));
        return;
      }
      Report.print(TraceStages.summarize(TraceStages.creates(Path.of(required(options, "spans"))),
        Integer.parseInt(options.getOrDefault("last", "0"))).put("probe", "stages"));
      System.exit(0);
    } catch (Exception e) {
      LOG.error("{} failed", command, e);
      System.exit(1);
    }
  }

  private static Vertx vertx(String probe, Map<String, String> options) throws Exception {
    VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(Integer.parseInt(options.getOrDefault("event-loops", "2")));
    if (!probe.equals("rpc")) {
      return Vertx.vertx(vertxOptions);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(ClusterConfig.load(Path.of(required(options, "cluster-xml")),
      required(options, "cluster-name"), Integer.parseInt(options.getOrDefault("cluster-port", "5701"))));
    return Vertx.builder().with(vertxOptions).withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS);
  }

  private static Future<JsonObject> probe(Vertx vertx, String probe, Map<String, String> o) {
    switch (probe) {
      case "latency":
        return new LatencyProbe(vertx, new LatencyProbe.Options(o.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(o.getOrDefault("port", "8100")), o.getOrDefault("redis", "redis://127.0.0.1:6379"),
          o.getOrDefault("prefix", "slack:"), Integer.parseInt(o.getOrDefault("rate", "1000")),
          Double.parseDouble(o.getOrDefault("seconds", "10")), Double.parseDouble(o.getOrDefault("warmup", "2")),
          required(o, "tag"), o.getOrDefault("amqp", "amqp://guest:guest@127.0.0.1:5672"), o.get("exchange"))).run();
      case "fanout":
        return new FanoutProbe(vertx, new FanoutProbe.Options(o.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(o.getOrDefault("port", "8100")), Integer.parseInt(o.getOrDefault("subscribers", "10000")),
          Integer.parseInt(o.getOrDefault("events", "20")), Long.parseLong(o.getOrDefault("interval-ms", "200")),
          required(o, "tag"))).run();
      case "feedsoak":
        return soak(vertx, o, false);
      case "soak":
        return soak(vertx, o, true);
      case "rpc":
        return new RpcProbe(vertx, new RpcProbe.Options(Long.parseLong(o.getOrDefault("warmup-ms", "2000")),
          Long.parseLong(o.getOrDefault("measure-ms", "3000")), Integer.parseInt(o.getOrDefault("concurrency", "16")))).run();
      default:
        throw new IllegalArgumentException("Unknown probe '" + probe + "': latency, fanout, feedsoak, soak or rpc");
    }
  }

  /**
   * The soak under faults ({@link FeedSoak}). The PostgreSQL and RabbitMQ proxies bind free ports first. Clustered
   * ({@code soak}), the probe then starts the role JVMs itself on those proxies ({@link RoleJvms}); else
   * ({@code feedsoak}) it writes the ports to files and the script starts the one-JVM stack on them. Either way only
   * the stack's own connections are cut.
   */
  private static Future<JsonObject> soak(Vertx vertx, Map<String, String> o, boolean clustered) {
    return Future.all(
        TcpProxy.start(vertx, o.getOrDefault("pg-host", "127.0.0.1"), Integer.parseInt(o.getOrDefault("pg-port", "5432"))),
        TcpProxy.start(vertx, o.getOrDefault("amqp-host", "127.0.0.1"), Integer.parseInt(o.getOrDefault("amqp-port", "5672"))))
      .compose(proxies -> {
        TcpProxy pg = proxies.resultAt(0);
        TcpProxy amqp = proxies.resultAt(1);
        RoleJvms roles = clustered ? new RoleJvms(vertx, Path.of(required(o, "stack-jar")), Path.of(required(o, "log-dir")),
          Path.of(required(o, "pid-file")), javaOptions(o.getOrDefault("java-opts", "")),
          "postgresql://" + o.getOrDefault("pg-user", "postgres") + "@127.0.0.1:" + pg.port() + "/" + o.getOrDefault("pg-database", "postgres"),
          "amqp://" + o.getOrDefault("amqp-user", "guest:guest") + "@127.0.0.1:" + amqp.port()) : null;
        Future<Void> ready = clustered ? Future.succeededFuture() : Future.all(
          portFile(vertx, required(o, "pg-proxy-port-file"), pg), portFile(vertx, required(o, "amqp-proxy-port-file"), amqp)).mapEmpty();
        int port = clustered ? roles.gatewayPort() : Integer.parseInt(o.getOrDefault("port", "8100"));
        return ready.compose(v -> new FeedSoak(vertx, new FeedSoak.Options(o.getOrDefault("host", "127.0.0.1"), port, pg, amqp, roles,
          Integer.parseInt(o.getOrDefault("users", "5000")), Long.parseLong(o.getOrDefault("minutes", "0")) * 60_000
            + Long.parseLong(o.getOrDefault("seconds", "0")) * 1_000,
          Integer.parseInt(o.getOrDefault("rate", "200")), Integer.parseInt(o.getOrDefault("clients", "20")),
          Long.parseLong(o.getOrDefault("fault-interval-ms", "8000")), Long.parseLong(o.getOrDefault("cut-ms", "2000")),
          Boolean.parseBoolean(o.getOrDefault("heap-check", "false")), required(o, "tag"))).run());
      });
  }

  private static List<String> javaOptions(String options) {
    return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
  }

  private static Future<Void> portFile(Vertx vertx, String file, TcpProxy proxy) {
    return vertx.fileSystem().writeFile(file, io.vertx.core.buffer.Buffer.buffer(String.valueOf(proxy.port())));
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Expected --option value, got '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
