package io.microservicestack.user;

import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Params;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * A valid request to create a user: the name and email, trimmed.
 *
 * @param name  1-64 characters (code points), trimmed
 * @param email a valid address of at most 254 characters, trimmed
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
    FieldErrors errors = new FieldErrors();
    String name = Params.text("name", stripped(body.getValue("name")), NAME_MAX, errors);
    String email = Params.text("email", stripped(body.getValue("email")), EMAIL_MAX, errors);
    if (email != null && !isEmail(email)) {
      errors.add("email", "must be a valid email address");
    }
    errors.throwIfAny();
    return new NewUser(name, email);
  }

  static boolean isEmail(String email) {
    int at = email.lastIndexOf('@');
    return at > 0 && at <= 64 && EMAIL.matcher(email).matches();
  }

  /** Name and email are trimmed before they are checked and stored. */
  private static Object stripped(Object value) {
    return value instanceof String s ? s.strip() : value;
  }
}
