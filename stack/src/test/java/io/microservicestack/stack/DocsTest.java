package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The README and the docs")
class DocsTest {

  private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");
  private static final String BEGIN = "<!-- settings: begin (generated from the config records; `mvn -pl stack test -Dtest=DocsTest -Ddocs.write` rewrites it) -->\n";
  private static final String END = "<!-- settings: end -->";

  @Test
  @DisplayName("docs/configuration.md lists every setting of every role, as the config records define them")
  void configurationTablesMatchTheCode() throws Exception {
    String docs = Files.readString(CONFIGURATION);
    int begin = docs.indexOf(BEGIN);
    int end = docs.indexOf(END);
    assertThat(begin).as("the generated section's begin marker").isNotNegative();
    assertThat(end).as("the generated section's end marker").isGreaterThan(begin);
    String expected = docs.substring(0, begin + BEGIN.length()) + SettingsDoc.markdown() + docs.substring(end);
    if (System.getProperty("docs.write") != null) {
      Files.writeString(CONFIGURATION, expected);
    }
    assertThat(docs).isEqualTo(expected);
  }

  @Test
  @DisplayName("The README gives the test command that CI runs")
  void givesTheTestCommand() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String ci = Files.readString(Path.of("..", ".ci", "run"));
    assertThat(readme).contains("mvn -B verify");
    assertThat(ci).contains("\nmvn -B verify\n");
  }

  @Test
  @DisplayName("Every file the README links to exists")
  void linksResolve() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    var links = java.util.regex.Pattern.compile("\\]\\(((?!https?:|#)[^)#]+)[^)]*\\)").matcher(readme);
    while (links.find()) {
      assertThat(Path.of("..", links.group(1))).as("link " + links.group(1)).exists();
    }
  }
}
