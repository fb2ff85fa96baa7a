package io.microservicestack.gateway;

import io.microservicestack.common.Setting;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate budget: {@code count} requests per {@code periodMs}, written {@code <count>/<period>} ({@code 120/1m},
 * {@code 20/1s}, {@code 1000/1h}, {@code 5/500ms}), or {@code off}.
 *
 * @param count    requests allowed per period (also the burst)
 * @param periodMs the period in milliseconds
 */
public record RateBudget(long count, long periodMs) {

  /** No limit. */
  public static final RateBudget OFF = new RateBudget(0, 0);

  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|m|h)");

  /** Whether this budget limits anything. */
  public boolean enabled() {
    return count > 0;
  }

  /** The time one request "costs": a request may come every {@code periodMs / count} ms on average. */
  public double emissionIntervalMs() {
    return (double) periodMs / count;
  }

  /** Parses the value of {@code setting}, failing with a message that names it. */
  public static RateBudget parse(Setting setting, String text) {
    String value = text == null ? "off" : text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("off") || value.isEmpty()) {
      return OFF;
    }
    Matcher m = FORMAT.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(setting.name() + " must be <count>/<period> (e.g. 120/1m, 20/1s) or off, got '" + text + "'");
    }
    long count = Long.parseLong(m.group(1));
    long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    long unitMs = switch (m.group(3)) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
    if (count < 1 || amount < 1) {
      throw new IllegalArgumentException(setting.name() + " needs a count and a period of at least 1, got '" + text + "'");
    }
    return new RateBudget(count, amount * unitMs);
  }

  @Override
  public String toString() {
    return enabled() ? count + "/" + periodMs + "ms" : "off";
  }
}
