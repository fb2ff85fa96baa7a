package io.microservicestack.stack;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The machine's headless Chromium driven through its own chromedriver ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}, the Debian packages {@code chromium} and {@code chromium-driver}). Both paths are
 * given to Selenium explicitly, so Selenium Manager never runs and nothing is downloaded.
 *
 * <p>Without them a test is skipped with a message saying how to install them, except when {@code CI=true}: there a
 * missing browser fails the test. Every browser console entry is kept ({@code goog:loggingPrefs}) so a test can
 * assert that nothing unexpected was logged; screenshots go to {@code target/console-screenshots}.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);
  private static final String INSTALL = "apt-get install -y chromium chromium-driver";

  final WebDriver driver;
  private final ChromeDriverService service;
  private final String name;
  private final List<LogEntry> console = new ArrayList<>();

  private Browser(ChromeDriverService service, WebDriver driver, String name) {
    this.service = service;
    this.driver = driver;
    this.name = name;
  }

  /** True when {@code CI=true}: there a missing browser is a failure, not a reason to skip. */
  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Why the browser tests cannot run here (what is missing and how to install it), or null when they can. */
  static String missing() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM.toString());
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add(CHROMEDRIVER.toString());
    }
    return missing.isEmpty() ? null : "The console's browser tests need Chromium and its driver, missing: "
      + String.join(", ", missing) + ". Install them with `" + INSTALL
      + "` (Debian/Ubuntu), or point -Dconsole.chromium and -Dconsole.chromedriver at them.";
  }

  /**
   * Skips the calling test (or fails it when {@code CI=true}) when Chromium or chromedriver is not installed.
   */
  static void assumeInstalled() {
    String missing = missing();
    if (missing == null) {
      return;
    }
    if (inCi()) {
      fail("CI=true and " + missing);
    }
    Assumptions.abort("Skipped: " + missing);
  }

  /** Starts a headless browser at desktop size; {@code name} prefixes its screenshots. */
  static Browser open(String name) throws IOException {
    assumeInstalled();
    Path driverLog = Path.of("target", "it-logs", "chromedriver-" + name + ".log");
    Files.createDirectories(driverLog.getParent());
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile())
      .usingAnyFreePort()
      .withLogFile(driverLog.toFile())
      .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: Chromium refuses to start as root otherwise (CI containers run as root).
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
      "--no-first-run", "--disable-extensions", "--window-size=1400,1000", "--lang=en-US");
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    return new Browser(service, new ChromeDriver(service, options), name);
  }

  void get(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits (at most {@link #WAIT}) until {@code condition} returns a non-null, non-false value, and returns it. */
  <T> T waitFor(String what, Function<WebDriver, T> condition) {
    // A panel that re-renders between finding an element and reading it leaves a stale element: just look again.
    return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** Waits until the text of {@code css} contains {@code text}. */
  void waitForText(String css, String text) {
    waitFor(css + " to contain '" + text + "'", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return !found.isEmpty() && found.get(0).getText().contains(text);
    });
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Saves a screenshot as {@code target/console-screenshots/<name>-<step>.png} and returns its path. */
  Path screenshot(String step) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + "-" + step + ".png");
    Path taken = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.move(taken, file, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** Every browser console entry so far (reading the browser's log empties it, so they are kept here). */
  List<LogEntry> console() {
    console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    return List.copyOf(console);
  }

  /** Writes every console entry so far to {@code target/console-screenshots/<name>-console.log}. */
  void saveConsole() throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + "-console.log"), console().stream().map(LogEntry::toString).toList());
  }

  /**
   * Asserts that the console has no SEVERE entry other than the {@code expected} ones: each pattern is found in
   * the entry's message, and each caller says why such an entry is expected.
   */
  void assertNoConsoleErrors(Pattern... expected) {
    List<String> unexpected = console().stream()
      .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
      .map(LogEntry::getMessage)
      .filter(message -> List.of(expected).stream().noneMatch(pattern -> pattern.matcher(message).find()))
      .toList();
    assertThat(unexpected).as("errors in the browser console").isEmpty();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
