package io.microservicestack.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what is wrong with each field of a request, so that one 400 names every invalid field at once
 * ({@code errors} of the problem: field → messages, in the order they were found).
 */
public final class FieldErrors {

  private final Map<String, List<String>> errors = new LinkedHashMap<>();

  public FieldErrors add(String field, String message) {
    errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    return this;
  }

  public boolean has(String field) {
    return errors.containsKey(field);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Adds every error of {@code problem} (a validation problem from another validator). */
  public FieldErrors addAll(Problem problem) {
    problem.errors().forEach((field, messages) -> messages.forEach(message -> add(field, message)));
    return this;
  }

  /** The 400 validation problem naming every invalid field (call when not {@link #isEmpty()}). */
  public Problem problem() {
    return Problem.validation(errors);
  }

  /**
   * @throws ProblemException a 400 validation problem when any field is invalid
   */
  public void throwIfAny() {
    if (!errors.isEmpty()) {
      throw problem().exception();
    }
  }
}
