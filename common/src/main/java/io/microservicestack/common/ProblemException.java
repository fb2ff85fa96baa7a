package io.microservicestack.common;

/** A failure that carries the {@link Problem} to answer with. No stack trace: it is an expected outcome. */
public final class ProblemException extends RuntimeException {

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
