package io.microservicestack.embedded;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TempDirTest {

  @Test
  @DisplayName("A temporary directory left by a dead JVM is removed by the next start; one in use is kept")
  void removesOnlyStaleDirectories(@org.junit.jupiter.api.io.TempDir Path parent) throws Exception {
    Path stale = Files.createDirectory(parent.resolve("embedded-test-stale"));
    Path staleLock = Files.createFile(stale.resolve(".in-use"));
    Files.writeString(stale.resolve("redis-server"), "a binary");
    Files.setLastModifiedTime(staleLock, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Path unrelated = Files.createDirectory(parent.resolve("embedded-test-no-lock-file"));

    try (TempDir inUse = TempDir.create(parent, "embedded-test-")) {
      Files.setLastModifiedTime(inUse.path().resolve(".in-use"),
        FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      assertThat(stale).doesNotExist();
      assertThat(unrelated).exists();

      try (TempDir another = TempDir.create(parent, "embedded-test-")) {
        assertThat(inUse.path()).exists();
        assertThat(another.path()).exists().isNotEqualTo(inUse.path());
      }
      assertThat(inUse.path()).exists();
    }
    assertThat(parent).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("embedded-test-")
      && !p.equals(unrelated));
  }
}
