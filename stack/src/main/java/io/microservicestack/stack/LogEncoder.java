package io.microservicestack.stack;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The stack's log lines, as text (a pattern) or as JSON, one object per line ({@code LOG_FORMAT=text|json}).
 *
 * <p>A JSON line: {@code {"timestamp": "2026-11-29T13:16:00.184Z", "level": "INFO", "logger": "...", "thread": "...",
 * "message": "...", "role": "...", "trace_id": "...", "span_id": "..."}}, plus {@code "exception"} (the stack trace)
 * when there is one and any other MDC entry. {@code role} is the MDC's {@code role}, else the roles this JVM runs
 * (comma-separated); {@code trace_id} and {@code span_id} are the MDC's, else those of the current OpenTelemetry span
 * when there is one. An unknown format falls back to text with a warning (StackMain then refuses to start).
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

  /** The formats {@code LOG_FORMAT} accepts. */
  static final String TEXT = "text";
  static final String JSON = "json";

  private static volatile String roles = "";
  private static volatile TraceIds traceIds = TraceIds.NONE;

  private String format = TEXT;
  private String pattern = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
  private PatternLayout text;
  private boolean json;

  /** Where JSON lines find the current trace (set once tracing is on). */
  interface TraceIds {
    TraceIds NONE = event -> null;

    /** {@code [traceId, spanId]} of the current span, or null when there is none. */
    String[] current(ILoggingEvent event);
  }

  /** The roles this JVM runs, the {@code role} of lines logged outside any role's MDC. */
  static void roles(String names) {
    roles = names;
  }

  static void traceIds(TraceIds source) {
    traceIds = source;
  }

  public void setFormat(String format) {
    this.format = format == null ? TEXT : format.trim().toLowerCase(java.util.Locale.ROOT);
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if (!TEXT.equals(format) && !JSON.equals(format)) {
      addWarn("LOG_FORMAT must be text or json, got '" + format + "'; logging text");
    }
    json = JSON.equals(format);
    text = new PatternLayout();
    text.setContext(getContext());
    text.setPattern(pattern);
    text.start();
    super.start();
  }

  @Override
  public void stop() {
    text.stop();
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = json ? json(event) + "\n" : text.doLayout(event);
    return line.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(ILoggingEvent event) {
    JsonObject line = new JsonObject()
      .put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString())
      .put("level", event.getLevel().toString())
      .put("logger", event.getLoggerName())
      .put("thread", event.getThreadName())
      .put("message", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    line.put("role", mdc.getOrDefault("role", roles));
    if (!mdc.containsKey("trace_id")) {
      String[] ids = traceIds.current(event);
      if (ids != null) {
        line.put("trace_id", ids[0]).put("span_id", ids[1]);
      }
    }
    mdc.forEach((key, value) -> {
      if (!line.containsKey(key)) {
        line.put(key, value);
      }
    });
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("exception", ThrowableProxyUtil.asString(thrown));
    }
    return line.encode();
  }
}
