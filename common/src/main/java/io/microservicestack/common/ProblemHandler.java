package io.microservicestack.common;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router failure handler of every service: answers any failure as {@code application/problem+json}.
 *
 * <p>A {@link ProblemException} is answered as it is; a vertx-web status failure (413 from the body
 * handler, 404, 405...) with its status; a {@link ReplyException} with the status of {@link Rpc#status};
 * anything else is a 500, logged with its throwable.
 */
public final class ProblemHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  public static ProblemHandler create() {
    return new ProblemHandler();
  }

  /**
   * Makes every error of {@code router} problem+json: failures of its routes, the 404 / 405 it answers itself when
   * no route matches, and the 400 it answers itself for a path it cannot decode (a stray {@code %}).
   */
  public static Router installOn(Router router) {
    ProblemHandler handler = create();
    router.route().failureHandler(handler);
    router.errorHandler(404, handler);
    router.errorHandler(405, handler);
    // no route ran, so the context has neither a failure nor a status to read: name the only cause there is
    router.errorHandler(400, ctx -> send(ctx.response(), Problem.badRequest("The request path is not valid percent-encoded text")));
    return router;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Problem problem = problemOf(ctx);
    if (problem.status() >= 500) {
      Throwable failure = ctx.failure();
      if (failure instanceof ProblemException || failure instanceof ReplyException) {
        // an expected outcome (a dependency down, a timeout): no stack trace
        LOG.warn("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), problem.status(), problem.detail());
      } else {
        LOG.error("{} {} failed with {}", ctx.request().method(), ctx.request().path(), problem.status(), failure);
      }
    }
    send(ctx.response(), problem);
  }

  /** Writes {@code problem} as the response, unless a response was already started. */
  public static void send(HttpServerResponse response, Problem problem) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(problem.status())
      .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
      .end(problem.toJson().encode());
  }

  static Problem problemOf(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    if (failure instanceof ReplyException re) {
      return Rpc.problem(re);
    }
    int status = failure instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
    if (status < 400) {
      status = 500;
    }
    return switch (status) {
      case 404 -> Problem.notFound("No resource at " + ctx.request().path());
      case 405 -> Problem.of(405, "Method Not Allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> Problem.of(413, "Payload Too Large", "The request body is larger than the limit");
      case 415 -> Problem.of(415, "Unsupported Media Type", "The request body must be application/json");
      case 500 -> Problem.of(500, "Internal Server Error", "An unexpected error occurred");
      default -> Problem.of(status, reason(status), failure != null && failure.getMessage() != null ? failure.getMessage() : reason(status));
    };
  }

  private static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
