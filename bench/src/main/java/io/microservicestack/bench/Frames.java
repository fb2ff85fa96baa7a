package io.microservicestack.bench;

/** Reads the email out of a feed frame {@code {"id":..,"name":..,"email":"..",..}} without a full JSON parse. */
final class Frames {

  private static final String EMAIL = "\"email\":\"";

  private Frames() {
  }

  static String email(String frame) {
    int start = frame.indexOf(EMAIL);
    if (start < 0) {
      return null;
    }
    start += EMAIL.length();
    int end = frame.indexOf('"', start);
    return end < 0 ? null : frame.substring(start, end);
  }
}
