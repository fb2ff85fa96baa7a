package io.microservicestack.stack;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A redis-server of the test's own (the machine's binary, Debian's {@code redis-server} package), on a free port with
 * an append-only file in a temporary directory, so that a test can kill it with SIGKILL and start it again on the
 * same files without touching the machine's Redis. Without the binary a test is skipped with how to install it,
 * except when {@code CI=true}: there it fails.
 */
final class RedisServerProcess implements AutoCloseable {

  static final Path REDIS_SERVER = Path.of(System.getProperty("redis.server.bin", "/usr/bin/redis-server"));
  private static final String INSTALL = "sudo apt-get install -y redis-server";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  final Path dir;
  final int port;
  private final String appendfsync;
  private final Path log;
  private Process process;

  private RedisServerProcess(Path dir, int port, String appendfsync) {
    this.dir = dir;
    this.port = port;
    this.appendfsync = appendfsync;
    this.log = Path.of("target", "it-logs", "redis-server-" + port + ".log");
  }

  /** Skips the calling test (fails it when {@code CI=true}) when redis-server is not installed. */
  static void assumeInstalled() {
    if (Files.isExecutable(REDIS_SERVER)) {
      return;
    }
    String missing = "The Redis durability test needs redis-server (" + REDIS_SERVER + "). Install it with `" + INSTALL
      + "` (Debian/Ubuntu; the test starts its own server, the package's service may stay stopped), or point"
      + " -Dredis.server.bin at it.";
    if (Browser.inCi()) {
      fail("CI=true and " + missing);
    }
    Assumptions.abort("Skipped: " + missing);
  }

  /** Starts redis-server with {@code --appendonly yes --appendfsync <appendfsync>} and no RDB snapshots; waits for it. */
  static RedisServerProcess start(String appendfsync) throws Exception {
    assumeInstalled();
    RedisServerProcess server = new RedisServerProcess(Files.createTempDirectory("redis-aof-"), StackProcess.freePort(), appendfsync);
    Files.createDirectories(server.log.getParent());
    server.startProcess();
    return server;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** SIGKILL ({@link Process#destroyForcibly()}): no shutdown, no last fsync, no final write of the append-only file. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts redis-server again on the same port and directory: it loads what its append-only file holds. */
  void restart() throws Exception {
    startProcess();
  }

  private void startProcess() throws Exception {
    process = new ProcessBuilder(List.of(REDIS_SERVER.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
      "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", appendfsync, "--save", "", "--daemonize", "no"))
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    await("redis-server on port " + port + " answering PING").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
      .until(() -> {
        if (!process.isAlive()) {
          throw new AssertionError("redis-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
        return pong();
      });
  }

  /**
   * Whether the server answers PING with PONG (not while it is still loading its append-only file: it answers
   * {@code -LOADING} then).
   */
  private boolean pong() {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[7];
      int read = socket.getInputStream().read(answer);
      return read > 0 && new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
