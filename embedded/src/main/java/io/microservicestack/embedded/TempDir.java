package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A temporary directory of an embedded server, locked while it is in use. A directory whose lock nobody holds
 * was left by a JVM that died without cleaning up (SIGKILL); the next {@link #create} of the same kind removes it.
 */
final class TempDir implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TempDir.class);
  private static final String LOCK_FILE = ".in-use";
  /** A directory younger than this may be one another JVM is still setting up. */
  private static final Duration STALE_AFTER = Duration.ofMinutes(1);

  /**
   * The directories this JVM holds. Their lock files must not even be opened by the stale check: closing any
   * channel to a file releases this process's POSIX lock on it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel lockChannel;

  private TempDir(Path path, FileChannel lockChannel) {
    this.path = path;
    this.lockChannel = lockChannel;
  }

  /** Removes stale directories named {@code prefix*}, then creates and locks a new one under {@code java.io.tmpdir}. */
  static TempDir create(String prefix) {
    return create(Path.of(System.getProperty("java.io.tmpdir")), prefix);
  }

  /** Removes stale directories named {@code prefix*} in {@code parent}, then creates and locks a new one there. */
  static TempDir create(Path parent, String prefix) {
    removeStale(parent, prefix);
    Path path = null;
    try {
      path = Files.createTempDirectory(parent, prefix);
      FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
      channel.lock();
      HELD.add(path);
      return new TempDir(path, channel);
    } catch (IOException e) {
      delete(path);
      throw new UncheckedIOException("cannot create a temporary directory " + prefix + "* in " + parent, e);
    }
  }

  Path path() {
    return path;
  }

  /** Unlocks and deletes the directory with everything in it; logs, never throws, what could not be deleted. */
  @Override
  public void close() {
    HELD.remove(path);
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("could not unlock {}: {}", path, e.toString());
    }
    delete(path);
  }

  private static void removeStale(Path parent, String prefix) {
    Instant staleBefore = Instant.now().minus(STALE_AFTER);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path dir : dirs) {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!HELD.contains(dir) && Files.isDirectory(dir) && Files.exists(lockFile)
          && Files.getLastModifiedTime(lockFile).compareTo(FileTime.from(staleBefore)) < 0 && unlocked(lockFile)) {
          LOG.debug("removing {}, left by a JVM that is gone", dir);
          delete(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not look for stale {}* directories: {}", prefix, e.toString());
    }
  }

  private static boolean unlocked(Path lockFile) {
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
         FileLock lock = channel.tryLock()) {
      return lock != null;
    } catch (OverlappingFileLockException e) {
      return false; // held by this JVM
    } catch (IOException e) {
      return false;
    }
  }

  private static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          LOG.debug("could not delete {}: {}", path, e.toString());
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete the temporary directory {}: {}", dir, e.toString());
    }
  }
}
