package io.microservicestack.stack;

import io.microservicestack.common.Setting;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings reference, written from the one source ({@link LauncherSettings} and each role's config record):
 * as Markdown for {@code docs/configuration.md} (a test keeps the file equal to it) and as text for {@code --help}.
 */
final class SettingsDoc {

  private SettingsDoc() {
  }

  /** The settings by section: the launcher's, then each service's (the user-queue role shares the user service's). */
  static Map<String, List<Setting>> sections() {
    Map<String, List<Setting>> sections = new LinkedHashMap<>();
    sections.put("launcher", LauncherSettings.SETTINGS);
    sections.put("user and user-queue", Role.USER.settings());
    sections.put("slack", Role.SLACK.settings());
    sections.put("gateway", Role.GATEWAY.settings());
    return sections;
  }

  /** One Markdown table per section; a setting shared by several services is listed where it first appears. */
  static String markdown() {
    StringBuilder out = new StringBuilder();
    Set<Setting> listed = new LinkedHashSet<>();
    sections().forEach((section, settings) -> {
      out.append("### ").append(section).append("\n\n")
        .append("| variable | config key | default | meaning |\n|---|---|---|---|\n");
      for (Setting setting : settings) {
        if (!listed.add(setting)) {
          out.append("| `").append(env(setting)).append("` | `").append(setting.key()).append("` | | (as above) |\n");
          continue;
        }
        out.append("| `").append(env(setting)).append("` | `").append(setting.key()).append("` | ")
          .append(setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`").append(" | ")
          .append(setting.description().replace("|", "\\|")).append(" |\n");
      }
      out.append('\n');
    });
    return out.toString();
  }

  /** Every environment variable once, as text for {@code --help}. */
  static String text() {
    StringBuilder out = new StringBuilder();
    Set<String> listed = new LinkedHashSet<>();
    sections().forEach((section, settings) -> {
      out.append("\n").append(section).append(":\n");
      for (Setting setting : settings) {
        if (setting.env() != null && listed.add(setting.env())) {
          out.append(String.format("  %-28s %s%s%n", setting.env(), setting.description(),
            setting.defaultValue().isEmpty() ? "" : " [" + setting.defaultValue() + "]"));
        }
      }
    });
    return out.toString();
  }

  private static String env(Setting setting) {
    return setting.env() == null ? "-" : setting.env();
  }
}
