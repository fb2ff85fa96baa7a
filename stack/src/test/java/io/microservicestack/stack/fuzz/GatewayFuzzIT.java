package io.microservicestack.stack.fuzz;

import io.microservicestack.gateway.ContractAnswers;
import io.microservicestack.stack.fuzz.RawHttp.Answer;
import io.microservicestack.stack.testing.InProcessStack;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway fuzzer: requests generated from the contract ({@code contracts/openapi.yaml}) for every operation,
 * valid and odd (mutated bodies, raw bytes, odd content types, odd parameters and credentials), sent to a whole
 * stack running in this JVM. Every answer must come (no hang: {@value #ANSWER_TIMEOUT_S} s), must not be a 5xx
 * (nothing the stack depends on is down here, so not even a 503), and must be one the contract lists for the
 * operation, with its media type and schema ({@link ContractAnswers}). A request the contract allows must not be
 * refused as invalid.
 *
 * <p>Auth is on ({@code AUTH_MODE=jwt}, HS256 with a test secret), every request but the odd-credentials ones with a
 * token that has every scope: so each request passes the whole edge (token check, then the contract's validation)
 * before it reaches a service, as it does in production, and the 401 answers are checked against the contract too.
 *
 * <p>Tries and seed: {@link FuzzSettings} ({@code -Dfuzz.tries}, {@code -Dfuzz.seed}); docs/testing.md.
 */
@AddLifecycleHook(value = FuzzSettings.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class GatewayFuzzIT {

  static final int ANSWER_TIMEOUT_S = 15;
  private static final String SECRET = "the-gateway-fuzzer-secret-of-32-bytes-or-more";
  /** Statuses by which the stack refuses a request as invalid (a request the contract allows must never get one). */
  private static final Set<Integer> REFUSALS = Set.of(400, 413, 415, 422);

  private static InProcessStack stack;
  private static Requests requests;

  @BeforeContainer
  static void start() {
    stack = InProcessStack.start("fuzz", Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET));
    requests = new Requests(Operation.fromContract(), "Bearer " + token());
  }

  @AfterContainer
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A token with every scope, signed as the gateway expects (as {@code stack.jar token} would make it). */
  private static String token() {
    JWTAuth auth = JWTAuth.create(stack.running().vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return auth.generateToken(new JsonObject().put("sub", "fuzzer").put("scope", "users:read users:write messages:write"),
      new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  @Property
  @Label("A request the contract allows is served: never refused as invalid, never a 5xx, and answered as the contract says")
  void validRequests(@ForAll("valid") FuzzRequest request) {
    Answer answer = send(request);

    assertKeepsTheContract(request, answer);
    assertThat(answer.status()).as("%s answered %s", request, answer).isNotIn(REFUSALS);
  }

  @Property
  @Label("A body with odd fields (wrong types, odd Unicode, lone surrogates, deep nesting, repeated keys, too large) is a 4xx the contract lists")
  void mutatedBodies(@ForAll("mutatedBodies") FuzzRequest request) {
    assertKeepsTheContract(request, send(request));
  }

  @Property
  @Label("Raw bytes (not JSON, cut short, not UTF-8, too large) under odd content types are a 4xx the contract lists")
  void rawBodies(@ForAll("rawBodies") FuzzRequest request) {
    assertKeepsTheContract(request, send(request));
  }

  @Property
  @Label("Odd ids, paging values, query strings and credentials are a 4xx the contract lists")
  void oddParameters(@ForAll("oddParameters") FuzzRequest request) {
    assertKeepsTheContract(request, send(request));
  }

  @Provide
  Arbitrary<FuzzRequest> valid() {
    return requests.valid();
  }

  @Provide
  Arbitrary<FuzzRequest> mutatedBodies() {
    return requests.mutatedBodies();
  }

  @Provide
  Arbitrary<FuzzRequest> rawBodies() {
    return requests.rawBodies();
  }

  @Provide
  Arbitrary<FuzzRequest> oddParameters() {
    return requests.oddParameters();
  }

  /** Sends {@code request} as it is; an answer that does not come within the timeout fails as a hang. */
  private static Answer send(FuzzRequest request) {
    try {
      return RawHttp.send(stack.gatewayPort(), request, Duration.ofSeconds(ANSWER_TIMEOUT_S));
    } catch (RawHttp.Hang e) {
      throw new AssertionError("no answer within " + ANSWER_TIMEOUT_S + " s (a hang) to " + request, e);
    } catch (IOException e) {
      throw new AssertionError("the connection failed without an answer (" + e + ") to " + request, e);
    }
  }

  private static void assertKeepsTheContract(FuzzRequest request, Answer answer) {
    assertThat(answer.status()).as("%s answered %s", request, answer).isLessThan(500);
    String path = request.pathAndQuery().split("\\?", 2)[0];
    if (isUri(request.pathAndQuery())) {
      ContractAnswers.check(request.method(), request.pathAndQuery(), answer.status(), answer.contentType(), answer.body());
    } else if (isUri(path)) {
      // a query that is not valid percent-encoding (a bare %, %ZZ): a route that reads it refuses it (4xx), one that
      // does not may serve the path; either way the answer must be one the contract lists for the path
      ContractAnswers.check(request.method(), path, answer.status(), answer.contentType(), answer.body());
    } else {
      assertThat(answer.status()).as("%s answered %s", request, answer).isBetween(400, 499);
      assertThat(answer.contentType()).as("%s answered %s", request, answer).isEqualTo("application/problem+json");
    }
  }

  private static boolean isUri(String pathAndQuery) {
    try {
      URI.create(pathAndQuery);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
