package io.microservicestack.stack.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How many requests each fuzz property makes and from which seed, set from system properties so that CI runs a short,
 * repeatable fuzz and anyone can run a long or a fresh one without editing the test:
 * <ul>
 *   <li>{@code -Dfuzz.tries=N}: requests per property (default {@value #DEFAULT_TRIES});</li>
 *   <li>{@code -Dfuzz.seed=S}: the random seed (default {@value #DEFAULT_SEED}, so CI fuzzes the same requests every run);
 *   {@code -Dfuzz.seed=random} for a new one each run.</li>
 * </ul>
 * A failing property prints its seed and the command line that replays it.
 */
public final class FuzzSettings implements AroundPropertyHook {

  static final int DEFAULT_TRIES = 250;
  static final String DEFAULT_SEED = "20261129";

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    context.attributes().setTries(Integer.getInteger("fuzz.tries", DEFAULT_TRIES));
    String seed = System.getProperty("fuzz.seed", DEFAULT_SEED);
    if (!seed.equals("random")) {
      context.attributes().setSeed(seed);
    }
    PropertyExecutionResult result = property.execute();
    if (result.status() == PropertyExecutionResult.Status.FAILED) {
      System.err.printf("%s failed with seed %s: replay it with -Dfuzz.seed=%s -Dfuzz.tries=%s%n", context.extendedLabel(),
        result.seed().orElse("?"), result.seed().orElse("?"), context.attributes().tries().orElse(DEFAULT_TRIES));
    }
    return result;
  }
}
