package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis 6.2 server run from the binary bundled in codemonstur embedded-redis, on a free port of 127.0.0.1,
 * in memory only (no RDB or AOF files): {@code redis://127.0.0.1:<port>}.
 *
 * <p>The binary comes from embedded-redis, but the process is run here rather than by its {@code RedisServer}:
 * that one registers a JVM shutdown hook on every start, which would stop Redis while the stack is still draining.
 * redis-server runs under a small {@code sh} watchdog that stops it when its stdin closes, so it also ends when
 * this JVM dies without running any hook (SIGKILL).
 */
public final class EmbeddedRedis implements EmbeddedServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  /** redis-server's own log lines, at DEBUG (its warnings after startup at WARN). */
  private static final Logger SERVER_LOG = LoggerFactory.getLogger("io.microservicestack.embedded.redis-server");
  private static final Pattern READY = Pattern.compile("Ready to accept connections");
  private static final Pattern VERSION = Pattern.compile("Redis version=(\\S+?),?\\s");
  private static final Pattern WARNING_LINE = Pattern.compile("^\\d+:[A-Z] .* # ");
  private static final String ADDRESS_IN_USE = "Address already in use";
  private static final long STARTUP_SECONDS = 30;
  private static final long STOP_SECONDS = 10;
  private static final int PORT_ATTEMPTS = 3;
  /**
   * Runs {@code "$0" "$@"} (redis-server and its arguments) in the background and waits for stdin to close: when
   * {@link #close()} closes it, or when the JVM holding the other end dies, it stops redis-server (SIGTERM).
   * redis-server gets a session of its own (like the postmaster pg_ctl starts) and the shell ignores SIGINT, so a
   * Ctrl-C in the terminal reaches only the JVM, whose shutdown then stops Redis after the stack has drained.
   */
  private static final String WATCHDOG = String.join("\n",
    "trap '' INT QUIT",
    "if command -v setsid >/dev/null 2>&1; then setsid \"$0\" \"$@\" </dev/null & else \"$0\" \"$@\" </dev/null & fi",
    "pid=$!",
    "while read -r _; do :; done",
    "kill $pid 2>/dev/null",
    "wait $pid",
    "");

  private final Launch launch;
  private final int port;
  private final String version;
  private final TempDir workDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedRedis(Launch launch, int port, String version, TempDir workDirectory) {
    this.launch = launch;
    this.port = port;
    this.version = version;
    this.workDirectory = workDirectory;
  }

  /**
   * Starts a Redis.
   *
   * @throws EmbeddedServerException when it does not start; the message quotes redis-server's output
   */
  public static EmbeddedRedis start() {
    TempDir workDirectory = TempDir.create("embedded-redis-");
    try {
      String binary = ExecutableProvider.newJarResourceProvider(workDirectory.path().toFile()).get()
        .getAbsolutePath();
      String lastOutput = "";
      for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
        int port = LocalPorts.free();
        Launch launch = launch(binary, port, workDirectory.path());
        try {
          String version = launch.ready.get(STARTUP_SECONDS, TimeUnit.SECONDS);
          launch.reader.serving(true);
          return new EmbeddedRedis(launch, port, version, workDirectory);
        } catch (ExecutionException e) {
          lastOutput = e.getCause().getMessage();
          stop(launch.process);
          if (!lastOutput.contains(ADDRESS_IN_USE)) {
            break;
          }
          LOG.debug("port {} was taken before redis-server bound it, trying another", port);
        } catch (TimeoutException e) {
          stop(launch.process);
          lastOutput = "not ready after " + STARTUP_SECONDS + " s; its output:\n" + launch.reader.output();
          break;
        }
      }
      throw new EmbeddedServerException("Embedded Redis did not start: " + lastOutput);
    } catch (IOException e) {
      workDirectory.close();
      throw new EmbeddedServerException("Embedded Redis did not start: " + e
        + " (redis-server is unpacked into java.io.tmpdir and run from there: is it writable and not noexec?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workDirectory.close();
      throw new EmbeddedServerException("interrupted while starting the embedded Redis", e);
    } catch (RuntimeException | Error e) {
      workDirectory.close();
      throw e;
    }
  }

  @Override
  public String description() {
    return "Redis " + version;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  @Override
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public int port() {
    return port;
  }

  /** Stops redis-server (SIGTERM; no data is saved) and removes its temporary directory. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      launch.reader.serving(false);
      stop(launch.process);
      workDirectory.close();
    }
  }

  @Override
  public String toString() {
    return description() + " on " + uri();
  }

  private static Launch launch(String binary, int port, Path workDirectory) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, binary,
      "--port", Integer.toString(port),
      "--bind", "127.0.0.1",
      "--save", "",
      "--appendonly", "no",
      "--dir", workDirectory.toString(),
      "--daemonize", "no"));
    Process process = new ProcessBuilder(command)
      .directory(workDirectory.toFile())
      .redirectErrorStream(true)
      .start();
    OutputReader reader = new OutputReader(process);
    Thread thread = new Thread(reader, "embedded-redis-output-" + port);
    thread.setDaemon(true);
    thread.start();
    return new Launch(process, reader, reader.ready);
  }

  /** Closes the watchdog's stdin (it then stops redis-server) and waits; kills both if that takes too long. */
  private static void stop(Process process) {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("Embedded Redis did not stop within {} s, killing it", STOP_SECONDS);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private record Launch(Process process, OutputReader reader, CompletableFuture<String> ready) {
  }

  /**
   * Reads redis-server's output until it ends: completes {@code ready} with the version at "Ready to accept
   * connections", or fails it with the output when the process ends first.
   */
  private static final class OutputReader implements Runnable {

    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final StringBuilder output = new StringBuilder();
    private volatile boolean serving;
    private String version = "6.2";

    OutputReader(Process process) {
      this.process = process;
    }

    /** While serving, redis-server's warnings are logged at WARN; while starting and stopping, at DEBUG. */
    void serving(boolean serving) {
      this.serving = serving;
    }

    synchronized String output() {
      return output.toString();
    }

    @Override
    public void run() {
      try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (!ready.isDone()) {
            synchronized (this) {
              output.append(line).append('\n');
            }
            Matcher matcher = VERSION.matcher(line + " ");
            if (matcher.find()) {
              version = matcher.group(1);
            }
            if (READY.matcher(line).find()) {
              ready.complete(version);
            }
          }
          if (serving && WARNING_LINE.matcher(line).find()) {
            SERVER_LOG.warn("{}", line);
          } else {
            SERVER_LOG.debug("{}", line);
          }
        }
      } catch (IOException e) {
        SERVER_LOG.debug("output closed: {}", e.toString());
      } finally {
        ready.completeExceptionally(new IOException("redis-server exited before it was ready; its output:\n"
          + output()));
      }
    }
  }
}
