package io.microservicestack.stack;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.Optional;

/**
 * The JVM flags the stack wants and cannot set itself (a jar carries {@code --add-opens}, never {@code -XX}).
 *
 * <p>The gateway validates every request body against the contract with vertx-json-schema, whose validator is one
 * method of 9,290 bytes of bytecode ({@code SchemaValidatorImpl.validate}). HotSpot does not compile a method over
 * 8,000 bytes unless started with {@value #COMPILE_HUGE_METHODS}: the validator then runs interpreted, about 8 µs per
 * create body instead of about 2.4 (bench/README.md). Compiling such a method takes the compiler's native memory up
 * for a moment, which the C library keeps: {@value #TRIM_NATIVE_HEAP} gives it back. The image's entrypoint sets
 * both; a gateway started without the first says so once at startup.
 */
final class JvmFlags {

  static final String COMPILE_HUGE_METHODS = "-XX:-DontCompileHugeMethods";
  static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=1000";

  private JvmFlags() {
  }

  /** Whether this JVM compiles methods over HotSpot's size limit; true on a JVM that has no such limit to report. */
  static boolean hugeMethodsCompiled() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotspot == null || "false".equals(hotspot.getVMOption("DontCompileHugeMethods").getValue());
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** The advice to log for a JVM running {@code roles}, if any: only a gateway validates bodies. */
  static Optional<String> advice(Collection<Role> roles, boolean hugeMethodsCompiled) {
    if (hugeMethodsCompiled || !roles.contains(Role.GATEWAY)) {
      return Optional.empty();
    }
    return Optional.of("The gateway's request validation runs interpreted in this JVM: start it with " + COMPILE_HUGE_METHODS
      + " " + TRIM_NATIVE_HEAP + " (the image does): compiled, it takes about a third of the CPU");
  }
}
