package io.microservicestack.bdd;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A value a scenario puts in a create-user request, as the feature names it: {@code nothing} (the field is left
 * out), {@code the number 42}, {@code "a literal"}, {@code a name of 65 characters}, {@code a new address},
 * {@code an address of 255 characters}.
 */
public final class FieldValue {

  /** The regular expression of every way a feature can name a value. */
  public static final String PATTERN = "nothing|the number \\d+|\"[^\"]*\"|a name of \\d+ characters|a new address"
    + "|an address of \\d+ characters";

  private final String text;

  private FieldValue(String text) {
    this.text = text;
  }

  public static FieldValue parse(String text) {
    return new FieldValue(text);
  }

  /** Puts this value into {@code body} as {@code field}; new addresses are remembered as the scenario's. */
  public void putInto(JsonObject body, String field, ScenarioState state) {
    if (text.equals("nothing")) {
      return;
    }
    if (text.startsWith("the number ")) {
      body.put(field, Long.parseLong(text.substring("the number ".length())));
    } else if (text.startsWith("\"")) {
      body.put(field, text.substring(1, text.length() - 1));
    } else if (text.startsWith("a name of ")) {
      body.put(field, nameOfLength(number(text)));
    } else if (text.equals("a new address")) {
      body.put(field, state.newEmail());
    } else {
      body.put(field, state.remember(emailOfLength(number(text))));
    }
  }

  private static int number(String text) {
    return Integer.parseInt(text.replaceAll("\\D", ""));
  }

  static String nameOfLength(int length) {
    return "N" + "a".repeat(length - 1);
  }

  /**
   * A unique address of exactly {@code length} characters that is valid but for its length: a 64-character local
   * part and a domain of labels of at most 63 characters.
   */
  static String emailOfLength(int length) {
    String unique = "bdd" + UUID.randomUUID().toString().replace("-", "");
    String local = (unique + "x".repeat(64)).substring(0, 64);
    int body = length - local.length() - 1 - ".com".length();
    StringBuilder domain = new StringBuilder();
    while (body > 0) {
      if (domain.length() > 0) {
        domain.append('.');
        body--;
      }
      int label = Math.min(63, body);
      if (body - label == 1) {
        label--;
      }
      domain.append("d".repeat(label));
      body -= label;
    }
    String email = local + "@" + domain + ".com";
    if (email.length() != length) {
      throw new IllegalArgumentException("Cannot make an address of " + length + " characters");
    }
    return email;
  }

  @Override
  public String toString() {
    return text;
  }
}
