package io.microservicestack.stack;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
  private OpenTelemetrySdk tracing;

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
    OpenTelemetrySdk tracing = StackTracing.fromConfig(config, roles);
    return start(config, configs, tracing);
  }

  /** Like {@link #start(StackConfig, Set)}, tracing into {@code tracing} (null: no tracing); closing closes it. */
  public static Future<RunningStack> start(StackConfig config, Set<Role> roles, OpenTelemetrySdk tracing) {
    return start(config, configs(config, roles), tracing);
  }

  private static Future<RunningStack> start(StackConfig config, Map<Role, JsonObject> configs, OpenTelemetrySdk tracing) {
    return vertx(config, tracing)
      .compose(vertx -> deploy(vertx, config, configs))
      .map(running -> running.tracing(tracing))
      .onFailure(failure -> {
        if (tracing != null) {
          tracing.close();
        }
      });
  }

  /** Each role's config object; validates them all before anything starts. */
  static Map<Role, JsonObject> configs(StackConfig config, Set<Role> roles) {
    Map<Role, JsonObject> configs = new EnumMap<>(Role.class);
    roles.forEach(role -> configs.put(role, config.configFor(role, roles)));
    return configs;
  }

  private static Future<Vertx> vertx(StackConfig config, OpenTelemetry tracing) {
    if (!config.bool(LauncherSettings.CLUSTER)) {
      return Future.succeededFuture(StackTracing.install(
        StackMetrics.builder(StackTracing.options(transport(new VertxOptions()), tracing), config), tracing).build());
    }
    return StackTracing.install(StackMetrics.builder(StackTracing.options(transport(Clustering.vertxOptions(config)), tracing), config), tracing)
      .withClusterManager(Clustering.clusterManager(config))
      .buildClustered();
  }

  /**
   * Netty's epoll transport where it is available (Linux on x86-64 and ARM64: the jar carries both native
   * libraries), NIO elsewhere: epoll costs less CPU per request on the same load (bench/README.md).
   */
  static VertxOptions transport(VertxOptions options) {
    return options.setPreferNativeTransport(true);
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

  private RunningStack tracing(OpenTelemetrySdk sdk) {
    this.tracing = sdk;
    return this;
  }

  /**
   * Undeploys every verticle (servers finish their in-flight requests, pools close), closes Vert.x, then flushes
   * and closes the tracing SDK.
   */
  public Future<Void> close() {
    return vertx.close().eventually(() -> {
      if (tracing != null) {
        tracing.close();
      }
      return Future.succeededFuture();
    });
  }
}
