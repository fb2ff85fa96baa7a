package io.microservicestack.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The contract and its documentation, public on every gateway:
 * <ul>
 *   <li>{@code GET /openapi.yaml} and {@code GET /schemas/user.json}: {@code contracts/} as built into the jar;</li>
 *   <li>{@code GET /docs}: Swagger UI from the {@code org.webjars:swagger-ui} jar (no CDN), started by
 *   {@code docs/init.js} (no inline script, so the page's CSP holds).</li>
 * </ul>
 */
final class ApiDocs {

  static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion();

  private ApiDocs() {
  }

  static void mount(Router router) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
      .sendFile(Contract.OPENAPI));
    router.get("/" + Contract.USER_SCHEMA).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/schema+json")
      .sendFile(Contract.FOLDER + "/" + Contract.USER_SCHEMA));
    // "/docs" also matches "/docs/": only the bare one is redirected.
    router.get("/docs").handler(ctx -> {
      if (ctx.request().path().equals("/docs")) {
        ctx.redirect("/docs/");
      } else {
        ctx.next();
      }
    });
    router.get("/docs/").handler(new PageHeaders()).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").sendFile("apidocs/index.html"));
    router.get("/docs/init.js").handler(new PageHeaders()).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8").sendFile("apidocs/init.js"));
    router.get("/docs/*").handler(new PageHeaders()).handler(StaticHandler.create(SWAGGER_UI));
  }

  private static String swaggerUiVersion() {
    try (InputStream in = ApiDocs.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
