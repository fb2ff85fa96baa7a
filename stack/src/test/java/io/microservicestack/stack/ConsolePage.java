package io.microservicestack.stack;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.List;

/** The console page as a person uses it: what a test clicks, types and reads, by the page's ids. */
final class ConsolePage {

  private final Browser browser;

  ConsolePage(Browser browser) {
    this.browser = browser;
  }

  /** Opens the console at {@code baseUrl} and waits until its feed is live and its health panel filled. */
  ConsolePage open(String baseUrl) {
    browser.get(baseUrl + "/");
    awaitFeed("live");
    browser.waitFor("the health panel to list the services", d -> !browser.findAll("#health-list .service").isEmpty());
    return this;
  }

  /** Waits until the feed's connection state is {@code state} (connecting, live, reconnecting). */
  void awaitFeed(String state) {
    browser.waitFor("the feed to be " + state, d -> state.equals(browser.find("#feed-state").getAttribute("data-state")));
  }

  void signUp(String name, String email) {
    WebElement nameInput = browser.find("#signup-name");
    WebElement emailInput = browser.find("#signup-email");
    nameInput.clear();
    nameInput.sendKeys(name);
    emailInput.clear();
    emailInput.sendKeys(email);
    browser.find("#signup-submit").click();
  }

  String signupStatus() {
    return browser.find("#signup-status").getText();
  }

  /** Waits until the sign-up form answered (the status is neither empty nor "Signing up…") and returns it. */
  String awaitSignupAnswer() {
    return browser.waitFor("the sign-up form to answer", d -> {
      String status = signupStatus();
      return status.isBlank() || status.startsWith("Signing up") ? null : status;
    });
  }

  String fieldError(String field) {
    return browser.find("#signup-" + field + "-error").getText();
  }

  /** The emails in the live feed, top (newest) first. */
  List<String> feedEmails() {
    return browser.findAll("#feed-list li .feed-email").stream().map(WebElement::getText).toList();
  }

  void awaitInFeed(String email) {
    browser.waitFor(email + " in the live feed", d -> feedEmails().contains(email));
  }

  /** The health panel's state of {@code service}: "UP", "DOWN", or null while it is not listed. */
  String health(String service) {
    List<WebElement> item = browser.findAll("#health-list [data-service='" + service + "']");
    return item.isEmpty() ? null : item.get(0).getAttribute("data-status");
  }

  void awaitHealth(String service, String status) {
    browser.waitFor(service + " " + status + " in the health panel", d -> status.equals(health(service)));
  }

  /** Shows the users after {@code id} in the users table. */
  void showUsersAfter(long id) {
    WebElement after = browser.find("#users-after");
    after.clear();
    after.sendKeys(String.valueOf(id), Keys.ENTER);
  }

  /** The ids in the users table, top to bottom. */
  List<Long> userIds() {
    return browser.findAll("#users-rows tr").stream().map(row -> Long.parseLong(row.getAttribute("data-id"))).toList();
  }

  /** Waits until the users table shows exactly {@code ids}. */
  void awaitUserIds(List<Long> ids) {
    browser.waitFor("the users table to show " + ids, d -> userIds().equals(ids));
  }

  void click(String css) {
    browser.find(css).click();
  }

  boolean enabled(String css) {
    return browser.find(css).isEnabled();
  }

  void showChannel(String channel) {
    WebElement input = browser.find("#messages-channel");
    input.clear();
    input.sendKeys(channel, Keys.ENTER);
  }

  /** The message texts in the messages panel, top (newest) first. */
  List<String> messages() {
    return browser.findAll("#messages-list li .message-text").stream().map(WebElement::getText).toList();
  }

  void awaitMessages(List<String> texts) {
    browser.waitFor("the messages panel to show " + texts, d -> messages().equals(texts));
  }

  String text(String css) {
    return browser.driver.findElement(By.cssSelector(css)).getText();
  }
}
