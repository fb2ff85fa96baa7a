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

  /**
   * Starts Vert.x (clustered when {@code CLUSTER} is true) and deploys {@code roles}; on a failed deployment
   * Vert.x is closed again.
   */
  public static Future<Stack> start(StackConfig config, Set<Role> roles) {
    long started = System.nanoTime();
    return vertx(config).compose(vertx -> deploy(vertx, config, roles).map(stack -> {
      LOG.info("Stack up with roles {} in {} ms{}", roles, (System.nanoTime() - started) / 1_000_000,
        vertx.isClustered() ? " (clustered, cluster " + config.get(Setting.CLUSTER_NAME) + ")" : "");
      return stack;
    }));
  }

  private static Future<Vertx> vertx(StackConfig config) {
    if (!Boolean.parseBoolean(config.get(Setting.CLUSTER))) {
      return Future.succeededFuture(Vertx.vertx(new VertxOptions()));
    }
    return Vertx.builder()
      .with(Clustering.vertxOptions(config))
      .withClusterManager(Clustering.clusterManager(config))
      .buildClustered();
  }

  private static Future<Stack> deploy(Vertx vertx, StackConfig config, Set<Role> roles) {
    List<Future<String>> deployments = new ArrayList<>();
    for (Role role : roles) {
      deployments.add(vertx.deployVerticle(role.verticle(), new DeploymentOptions()
        .setConfig(role.config(config))
        .setInstances(role.instances(config))));
    }
    return Future.all(deployments)
      .map(v -> new Stack(vertx, roles))
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
