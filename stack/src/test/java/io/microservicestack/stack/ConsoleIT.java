package io.microservicestack.stack;

import io.microservicestack.common.testing.TcpProxy;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console ({@code GET /} on the gateway) in a real headless Chromium, against the built jar running as its own
 * JVM with the test's PostgreSQL, Redis and RabbitMQ (its own schema, queues, exchange and key prefix).
 *
 * <p>Two {@link TcpProxy}s let a test break things without touching a server: the gateway reaches the slack
 * service through one (cut it and slack is down for the gateway), and a browser can load the console through the
 * other (cut it and the browser loses the gateway, websocket included). Every test opens its own browser, makes
 * its own users with random emails, and ends by asserting that the browser console logged no error it did not
 * expect.
 */
@DisplayName("The console, in a real browser")
class ConsoleIT {

  /** The run's names (schema, queues, exchange, Redis keys), deleted after it ({@link TestInfrastructure#deleteRun}). */
  private static final String RUN = "console_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  private static Vertx vertx;
  private static TcpProxy slackProxy;
  private static StackProcess stack;
  private static String gateway;
  private static int gatewayPort;

  private Browser browser;
  private final List<Pattern> expectedErrors = new ArrayList<>();

  @BeforeAll
  static void startStack() throws Exception {
    if (Browser.missing() != null && !Browser.inCi()) {
      return; // no browser: each test is skipped by checkBrowser(), saying how to install one
    }
    Browser.assumeInstalled();
    vertx = Vertx.vertx();
    gatewayPort = StackProcess.freePort();
    int userPort = StackProcess.freePort();
    int slackPort = StackProcess.freePort();
    slackProxy = TcpProxy.start(vertx, "127.0.0.1", slackPort).await();
    gateway = "http://127.0.0.1:" + gatewayPort;
    Map<String, String> env = new HashMap<>(Map.of(
      "GATEWAY_HTTP_PORT", String.valueOf(gatewayPort),
      "USER_HTTP_PORT", String.valueOf(userPort), "USER_SERVICE_PORT", String.valueOf(userPort),
      "SLACK_HTTP_PORT", String.valueOf(slackPort), "SLACK_SERVICE_PORT", String.valueOf(slackProxy.port()),
      "HEALTH_TIMEOUT_MS", "1000"));
    env.putAll(Map.of(
      "PG_SCHEMA", RUN,
      "EVENTS_EXCHANGE", RUN + ".events",
      "SLACK_QUEUE", RUN + ".slack",
      "USER_QUEUE", RUN + ".user",
      "REDIS_KEY_PREFIX", RUN + ":"));
    stack = StackProcess.start("console", env);
    stack.awaitOk(gateway + "/health", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopStack() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    TestInfrastructure.deleteRun(RUN);
  }

  @BeforeEach
  void checkBrowser() {
    Browser.assumeInstalled();
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (browser == null) {
      return;
    }
    try {
      browser.screenshot("end");
      browser.saveConsole();
      browser.assertNoConsoleErrors(expectedErrors.toArray(Pattern[]::new));
    } finally {
      browser.close();
    }
  }

  private ConsolePage console(TestInfo test, String baseUrl) throws Exception {
    browser = Browser.open(test.getTestMethod().orElseThrow().getName());
    return new ConsolePage(browser).open(baseUrl);
  }

  @Test
  @DisplayName("A user signed up through the form is confirmed with its id and a link to its page, and appears at the top of the live feed")
  void signUpAppearsInTheFeed(TestInfo test) throws Exception {
    ConsolePage console = console(test, gateway);
    String email = unique("signup");

    console.signUp("Ada Lovelace", email);

    String status = console.awaitSignupAnswer();
    assertThat(status).startsWith("Signed up Ada Lovelace as user #");
    long id = userByEmail(email).getLong("id");
    assertThat(status).contains("#" + id);
    console.awaitInFeed(email);
    assertThat(console.feedEmails().get(0)).isEqualTo(email);
    browser.screenshot("signed-up");

    console.click("#signup-user-link");

    browser.waitForText("#user-page-title", "User #" + id + ": Ada Lovelace");
    assertThat(console.text("#user-page-fields")).contains(email);
    assertThat(browser.driver.getCurrentUrl()).endsWith("#/users/" + id);
  }

  @Test
  @DisplayName("An invalid email and a blank name show each field's error next to the field, and create nobody")
  void invalidInputShowsFieldErrors(TestInfo test) throws Exception {
    // The 400 answer is the expected outcome; Chromium logs every 4xx response of a fetch as a console error.
    expectedErrors.add(Pattern.compile("/users - Failed to load resource: the server responded with a status of 400"));
    ConsolePage console = console(test, gateway);
    String notAnEmail = "not-an-email-" + UUID.randomUUID();
    int usersBefore = allUsers().size();

    console.signUp(" ", notAnEmail);

    assertThat(console.awaitSignupAnswer()).isEqualTo("Please fix the marked fields.");
    assertThat(console.fieldError("name")).isEqualTo("Name must not be blank.");
    assertThat(console.fieldError("email")).isEqualTo("Email must be a valid email address.");
    assertThat(browser.find("#signup-email").getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("signup-name");
    browser.screenshot("field-errors");
    List<JsonObject> users = allUsers();
    assertThat(users).hasSize(usersBefore);
    assertThat(users).noneMatch(user -> user.getString("email").contains(notAnEmail));
  }

  @Test
  @DisplayName("An email that is taken is explained in words, next to the field and in the form's status")
  void takenEmailIsExplained(TestInfo test) throws Exception {
    // The 409 answer is the expected outcome; Chromium logs every 4xx response of a fetch as a console error.
    expectedErrors.add(Pattern.compile("/users - Failed to load resource: the server responded with a status of 409"));
    String email = unique("taken");
    assertThat(createUser("First", email).statusCode()).isEqualTo(201);
    ConsolePage console = console(test, gateway);

    console.signUp("Second", email.toUpperCase());

    assertThat(console.awaitSignupAnswer())
      .isEqualTo("This email is already taken: a user with " + email.toUpperCase() + " exists already. Use another email address.");
    assertThat(console.fieldError("email")).isEqualTo("Email is already taken.");
    assertThat(allUsers()).filteredOn(user -> user.getString("email").equalsIgnoreCase(email)).hasSize(1);
  }

  @Test
  @DisplayName("Users created while the browser's connection is cut all appear once, in creation order, after the feed reconnects")
  void feedResumesAfterACut(TestInfo test) throws Exception {
    TcpProxy browserLink = TcpProxy.start(vertx, "127.0.0.1", gatewayPort).await();
    try {
      // While the link is cut the page's reconnect attempts and its polls of /health and /messages fail at the
      // network level, as they should; Chromium logs each failed websocket handshake and failed fetch as an error.
      String origin = Pattern.quote("127.0.0.1:" + browserLink.port());
      expectedErrors.add(Pattern.compile("WebSocket connection to 'ws://" + origin + "/ws/users\\?[^']*' failed"));
      expectedErrors.add(Pattern.compile("http://" + origin + "/(health|messages\\?\\S*) - Failed to load resource: net::ERR_"));
      ConsolePage console = console(test, "http://127.0.0.1:" + browserLink.port());
      String before = unique("before-cut");
      createUser("Before", before);
      console.awaitInFeed(before);

      browserLink.cut();
      console.awaitFeed("reconnecting");
      browser.screenshot("reconnecting");
      List<String> during = IntStream.rangeClosed(1, 3).mapToObj(i -> unique("during-cut-" + i)).toList();
      for (String email : during) {
        assertThat(createUser("During", email).statusCode()).isEqualTo(201);
      }
      browserLink.restore();

      console.awaitFeed("live");
      browser.waitFor("the users created during the cut in the feed (needs the feed protocol's position/resume)",
        d -> console.feedEmails().containsAll(during));
      List<String> ours = console.feedEmails().stream()
        .filter(email -> email.equals(before) || during.contains(email)).toList();
      assertThat(ours).as("the feed, newest first").containsExactly(during.get(2), during.get(1), during.get(0), before);
    } finally {
      browserLink.close().await();
    }
  }

  @Test
  @DisplayName("The health panel shows slack DOWN in red with an icon and the word while it is unreachable, and UP again once it is back")
  void healthShowsAServiceDown(TestInfo test) throws Exception {
    // The gateway answers /health 503 while slack is down (that is the point), and the messages panel's refresh
    // goes to slack too; Chromium logs these 5xx responses of a fetch as errors.
    expectedErrors.add(Pattern.compile("/health - Failed to load resource: the server responded with a status of 503"));
    expectedErrors.add(Pattern.compile("/messages\\?\\S* - Failed to load resource: the server responded with a status of 50[234]"));
    ConsolePage console = console(test, gateway);
    console.awaitHealth("slack", "UP");
    try {
      slackProxy.cut();

      console.awaitHealth("slack", "DOWN");
      assertThat(browser.find("[data-service='slack']").getAttribute("class")).contains("down");
      assertThat(console.text("[data-service='slack'] .badge")).isEqualTo("✕DOWN");
      browser.waitForText("#health-summary", "Down: slack");
      assertThat(console.health("user")).isEqualTo("UP");
      browser.screenshot("slack-down");
    } finally {
      slackProxy.restore();
    }

    console.awaitHealth("slack", "UP");
    browser.waitForText("#health-summary", "All services up");
  }

  @Test
  @DisplayName("The users table and a channel's messages page forward and back")
  void pagesThroughUsersAndMessages(TestInfo test) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      HttpResponse<String> created = createUser("Pager " + i, unique("pager-" + i));
      ids.add(new JsonObject(created.body()).getLong("id"));
    }
    String channel = "#console-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 1; i <= 25; i++) {
      HttpResponse<String> posted = StackProcess.postJson(gateway + "/messages",
        new JsonObject().put("channel", channel).put("message", "message " + i).encode());
      assertThat(posted.statusCode()).isEqualTo(201);
    }
    ConsolePage console = console(test, gateway);

    long start = ids.get(0) - 1;
    console.showUsersAfter(start);
    List<Long> page1 = usersPage(start);
    console.awaitUserIds(page1);
    assertThat(console.enabled("#users-prev")).isFalse();
    console.click("#users-next");
    List<Long> page2 = usersPage(page1.get(page1.size() - 1));
    console.awaitUserIds(page2);
    console.click("#users-next");
    console.awaitUserIds(usersPage(page2.get(page2.size() - 1)));
    List<Long> seen = new ArrayList<>(page1);
    seen.addAll(page2);
    seen.addAll(console.userIds());
    assertThat(seen).containsSubsequence(ids).doesNotHaveDuplicates().isSorted();
    console.click("#users-prev");
    console.awaitUserIds(page2);
    browser.waitForText("#users-page", "Page 2");

    console.showChannel(channel);
    console.awaitMessages(messages(25, 16));
    assertThat(console.enabled("#messages-prev")).isFalse();
    console.click("#messages-next");
    console.awaitMessages(messages(15, 6));
    console.click("#messages-next");
    console.awaitMessages(messages(5, 1));
    assertThat(console.enabled("#messages-next")).isFalse();
    console.click("#messages-prev");
    console.awaitMessages(messages(15, 6));
    browser.waitForText("#messages-page", "Page 2");
  }

  @Test
  @DisplayName("A whole session through every panel, at desktop and phone width, logs nothing in the browser console")
  void aSessionLogsNoErrors(TestInfo test) throws Exception {
    // No expected errors at all: every request of this session succeeds.
    ConsolePage console = console(test, gateway);
    for (String name : List.of("Grace Hopper", "Alan Turing", "Katherine Johnson")) {
      console.signUp(name, unique(name.toLowerCase().replace(' ', '.')));
      assertThat(console.awaitSignupAnswer()).startsWith("Signed up " + name);
    }
    browser.waitFor("three users in the feed", d -> console.feedEmails().size() >= 3);
    console.awaitHealth("slack", "UP");
    browser.waitFor("the sign-up messages in #user", d -> console.messages().stream().anyMatch(m -> m.contains("katherine.johnson")));
    browser.resize(1280, 1500);
    browser.waitFor("the users table to show the new users", d -> console.userIds().size() >= 3);
    browser.screenshot("desktop");
    browser.resize(1400, 1000);

    browser.find("#signin-token").sendKeys("not-checked-while-auth-is-off");
    console.click("#signin-form button[type=submit]");
    browser.waitForText("#signin-summary", "Signed in");
    console.awaitFeed("live");
    console.click("#signin-clear");
    browser.waitForText("#signin-summary", "Not signed in");
    console.awaitFeed("live");

    console.click("#feed-list li a");
    browser.waitForText("#user-page-title", "Katherine Johnson");
    browser.driver.navigate().back();
    browser.waitFor("the dashboard back", d -> browser.find("#dashboard").isDisplayed());

    browser.resize(360, 800);
    browser.waitFor("the page to fit 360 px", d -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d)
      .executeScript("return document.documentElement.scrollWidth")).intValue() <= 360);
    browser.screenshot("phone");
  }

  @Test
  @DisplayName("The page comes with its security headers, and the API routes without them")
  void securityHeaders() throws Exception {
    HttpResponse<String> page = StackProcess.get(gateway + "/");
    HttpResponse<String> script = StackProcess.get(gateway + "/app.js");
    HttpResponse<String> health = StackProcess.get(gateway + "/health");

    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
      assertThat(csp).contains("script-src 'self'").contains("style-src 'self'").doesNotContain("unsafe-inline"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.body()).doesNotContain("style=").doesNotContain("<script>").contains("<script type=\"module\" src=\"app.js\">");
    assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));
    assertThat(health.headers().firstValue("Content-Security-Policy")).isEmpty();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static HttpResponse<String> createUser(String name, String email) throws Exception {
    return StackProcess.postJson(gateway + "/users", new JsonObject().put("name", name).put("email", email).encode());
  }

  private static JsonObject userByEmail(String email) throws Exception {
    return allUsers().stream().filter(user -> user.getString("email").equals(email)).findFirst().orElseThrow();
  }

  /** Every user of this run's schema, through {@code GET /users}. */
  private static List<JsonObject> allUsers() throws Exception {
    List<JsonObject> users = new ArrayList<>();
    Long after = 0L;
    while (after != null) {
      JsonObject page = new JsonObject(StackProcess.get(gateway + "/users?after=" + after + "&limit=100").body());
      page.getJsonArray("items").forEach(item -> users.add((JsonObject) item));
      after = page.getLong("next");
    }
    return users;
  }

  private static List<Long> usersPage(long after) throws Exception {
    JsonArray items = new JsonObject(StackProcess.get(gateway + "/users?after=" + after + "&limit=10").body()).getJsonArray("items");
    return items.stream().map(item -> ((JsonObject) item).getLong("id")).toList();
  }

  private static List<String> messages(int from, int downTo) {
    return IntStream.iterate(from, i -> i >= downTo, i -> i - 1).mapToObj(i -> "message " + i).toList();
  }
}
