package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The README")
class ReadmeTest {

  @Test
  @DisplayName("Documents every setting the stack reads, with its default")
  void documentsEverySetting() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (Setting setting : Setting.values()) {
      String defaultValue = setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`";
      assertThat(readme).as(setting.name()).contains("| `" + setting.name() + "` | " + defaultValue + " |");
    }
  }

  @Test
  @DisplayName("Gives the test command that CI runs")
  void givesTheTestCommand() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String ci = Files.readString(Path.of("..", ".ci", "run"));
    assertThat(readme).contains("mvn -B verify");
    assertThat(ci).contains("\nmvn -B verify\n");
  }
}
