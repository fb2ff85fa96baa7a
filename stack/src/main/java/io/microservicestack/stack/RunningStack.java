package io.microservicestack.stack;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A running stack: one Vert.x instance with the chosen roles deployed. */
public final class RunningStack {

  private final Vertx vertx;
  private final Set<Role> roles;

  private RunningStack(Vertx vertx, Set<Role> roles) {
    this.vertx = vertx;
    this.roles = roles;
  }

  /**
   * Starts Vert.x (clustered when {@code CLUSTER} is true) and deploys {@code roles}; on a failed deployment
   * Vert.x is closed again.
   *
   * @throws IllegalArgumentException naming the setting, when a role's settings are not valid (nothing started then)
   */
  public static Future<RunningStack> start(StackConfig config, Set<Role> roles) {
    Map<Role, JsonObject> configs = configs(config, roles);
    return vertx(config).compose(vertx -> deploy(vertx, config, configs));
  }

  /** Each role's config object; validates them all before anything starts. */
  static Map<Role, JsonObject> configs(StackConfig config, Set<Role> roles) {
    Map<Role, JsonObject> configs = new EnumMap<>(Role.class);
    roles.forEach(role -> configs.put(role, config.configFor(role, roles)));
    return configs;
  }

  private static Future<Vertx> vertx(StackConfig config) {
    if (!config.bool(LauncherSettings.CLUSTER)) {
      return Future.succeededFuture(StackMetrics.builder(new VertxOptions(), config).build());
    }
    return StackMetrics.builder(Clustering.vertxOptions(config), config)
      .withClusterManager(Clustering.clusterManager(config))
      .buildClustered();
  }

  private static Future<RunningStack> deploy(Vertx vertx, StackConfig config, Map<Role, JsonObject> configs) {
    List<Future<String>> deployments = new ArrayList<>();
    configs.forEach((role, json) -> deployments.add(vertx.deployVerticle(role.verticle(), new DeploymentOptions()
      .setConfig(json)
      .setInstances(role.instances(config)))));
    return Future.all(deployments)
      .map(v -> new RunningStack(vertx, configs.keySet()))
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
