package io.microservicestack.stack;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A running stack: one Vert.x instance with the chosen roles deployed. */
public final class Stack {

  private static final Logger LOG = LoggerFactory.getLogger(Stack.class);

  private final Vertx vertx;
  private final Set<Role> roles;

  private Stack(Vertx vertx, Set<Role> roles) {
    this.vertx = vertx;
    this.roles = roles;
  }

  /** Starts Vert.x and deploys {@code roles}; on a failed deployment Vert.x is closed again. */
  public static Future<Stack> start(StackConfig config, Set<Role> roles) {
    Vertx vertx = Vertx.vertx(new VertxOptions());
    long started = System.nanoTime();
    List<Future<String>> deployments = new ArrayList<>();
    for (Role role : roles) {
      deployments.add(vertx.deployVerticle(role.verticle(), new DeploymentOptions()
        .setConfig(role.config(config))
        .setInstances(role.instances(config))));
    }
    return Future.all(deployments)
      .map(v -> {
        LOG.info("Stack up with roles {} in {} ms", roles, (System.nanoTime() - started) / 1_000_000);
        return new Stack(vertx, roles);
      })
      .recover(failure -> vertx.close().transform(v -> Future.failedFuture(failure)));
  }

  public Vertx vertx() {
    return vertx;
  }

  public Set<Role> roles() {
    return roles;
  }

  /** Undeploys every verticle (servers finish their in-flight requests, pools close) and closes Vert.x. */
  public Future<Void> close() {
    return vertx.close();
  }
}
