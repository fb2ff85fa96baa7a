package io.microservicestack.user;

import io.microservicestack.common.Problem;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A valid request to create a user: the name and email, trimmed.
 *
 * @param name  1-64 characters
 * @param email a valid address of at most 254 characters
 */
public record NewUser(String name, String email) {

  public static final int NAME_MAX = 64;
  public static final int EMAIL_MAX = 254;
  private static final Pattern EMAIL = Pattern.compile(
    "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
      + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

  /**
   * Validates a create-user request, reporting every invalid field at once.
   *
   * @throws io.microservicestack.common.ProblemException 400 with an {@code errors} object of field → messages
   */
  public static NewUser validate(JsonObject body) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    String name = string(body, "name", errors);
    String email = string(body, "email", errors);
    if (name != null) {
      int length = name.codePointCount(0, name.length());
      if (length == 0) {
        add(errors, "name", "must not be blank");
      } else if (length > NAME_MAX) {
        add(errors, "name", "must be at most " + NAME_MAX + " characters");
      }
    }
    if (email != null) {
      if (email.isEmpty()) {
        add(errors, "email", "must not be blank");
      } else if (email.length() > EMAIL_MAX) {
        add(errors, "email", "must be at most " + EMAIL_MAX + " characters");
      } else if (!isEmail(email)) {
        add(errors, "email", "must be a valid email address");
      }
    }
    if (!errors.isEmpty()) {
      throw Problem.validation(errors).exception();
    }
    return new NewUser(name, email);
  }

  static boolean isEmail(String email) {
    int at = email.lastIndexOf('@');
    return at > 0 && at <= 64 && EMAIL.matcher(email).matches();
  }

  private static String string(JsonObject body, String field, Map<String, List<String>> errors) {
    Object value = body.getValue(field);
    if (value == null) {
      add(errors, field, "is required");
      return null;
    }
    if (!(value instanceof String s)) {
      add(errors, field, "must be a string");
      return null;
    }
    return s.strip();
  }

  private static void add(Map<String, List<String>> errors, String field, String message) {
    errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
  }
}
