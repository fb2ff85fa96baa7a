package io.microservicestack.stack.fuzz;

import io.microservicestack.stack.fuzz.Operation.Param;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static io.microservicestack.stack.fuzz.Values.json;
import static io.microservicestack.stack.fuzz.Values.utf8;

/**
 * Requests for the operations of the contract: valid ones, and four kinds of odd ones. Every generator starts from
 * the contract ({@link Operation}): its parameters with their types and ranges, its body schema with its fields.
 */
final class Requests {

  /** Integer parameter values that are out of range, not decimal, not numbers, or not valid percent-encoding. */
  private static final List<String> ODD_INTEGERS = List.of("0", "-1", "-0", "101", "2147483647", "2147483648",
    "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999",
    "1".repeat(3000), "1.5", "1e3", "0x10", "01", "+1", "%201", "1%20", "abc", "", "%", "%ZZ", "%00", "1%00",
    "%C0%80", "%FF", "%D9%A1", "%EF%BC%91", "1;x=y", "%2e%2e", "null", "[1]", "%7B%7D", "NaN", "Infinity");
  /** Extra query text: repeated parameters, unknown ones, empty pairs, a bare {@code %}. */
  private static final List<String> ODD_QUERY_TAILS = List.of("&limit=1&limit=100000", "&unknown=1", "&", "&&", "&=",
    "&%=%", "&limit", "&after=1&after=x", "&offset=-1", "&%FF=%FF");
  private static final List<String> ODD_CONTENT_TYPES = List.of("text/plain", "application/xml",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=zzz", "application/json; charset=utf-16",
    "application/json; charset=iso-8859-1", "application/json; charset=\"", "application/problem+json",
    "application/vnd.api+json", "APPLICATION/JSON", "application/jsonx", "*/*", ";;;", "", "application/json, text/plain",
    "application/json; boundary=" + "b".repeat(2000));
  private static final List<String> ODD_BODIES = List.of("", " ", "null", "[]", "[1]", "\"x\"", "1", "true", "{", "}",
    "{}}", "{} x", "{}{}", "{\"name\":NaN}", "{'name':'a'}", "{name:\"a\"}", "{\"name\":\"a\",}", "{/* c */}",
    "{\"a\":01}", "\u0000", "{\"\":\"\"}", "{\"name\":\"a\"\u0000}");

  private final List<Operation> operations;
  /** The Authorization header of a caller with every scope, or null when auth is off. */
  private final String authorization;

  Requests(List<Operation> operations, String authorization) {
    this.operations = operations;
    this.authorization = authorization;
  }

  /** A key and a value of a JSON object, each as the raw JSON that goes into the body. */
  record Member(byte[] key, byte[] value) {

    static Member of(String key, byte[] value) {
      return new Member(json(key), value);
    }

    boolean is(String name) {
      return Arrays.equals(key, json(name));
    }
  }

  /** Requests the contract allows, for every operation but the websocket handshake. */
  Arbitrary<FuzzRequest> valid() {
    return Arbitraries.oneOf(operations.stream().filter(op -> !op.upgrade()).map(this::valid).toList());
  }

  /** Requests of every operation with a body, its body a valid one with one to three mutations. */
  Arbitrary<FuzzRequest> mutatedBodies() {
    return Arbitraries.oneOf(withBody().stream().map(op -> Combinators.combine(valid(op), mutated(op.body()))
      .as((request, body) -> request.withBody("application/json", body))).toList());
  }

  /** Requests of every operation with a body, with raw bytes that are not a valid body, under odd content types. */
  Arbitrary<FuzzRequest> rawBodies() {
    return Arbitraries.oneOf(withBody().stream().map(op -> Combinators.combine(valid(op), rawBody(op.body()), contentType())
      .as((request, body, type) -> request.withBody(type, body))).toList());
  }

  /** Requests of every operation with odd path and query parameters, some with odd credentials. */
  Arbitrary<FuzzRequest> oddParameters() {
    return Arbitraries.oneOf(operations.stream().map(op -> Combinators.combine(target(op, true), bodyFor(op), oddAuthorization())
      .as((target, body, auth) -> new FuzzRequest(op.id(), op.method(), target, body == null ? null : "application/json", body, auth)))
      .toList());
  }

  private List<Operation> withBody() {
    return operations.stream().filter(op -> op.body() != null).toList();
  }

  private Arbitrary<FuzzRequest> valid(Operation op) {
    return Combinators.combine(target(op, false), bodyFor(op))
      .as((target, body) -> new FuzzRequest(op.id(), op.method(), target, body == null ? null : "application/json", body,
        authorization));
  }

  private Arbitrary<byte[]> bodyFor(Operation op) {
    return op.body() == null ? Arbitraries.just(null) : validMembers(op.body()).map(Requests::object);
  }

  /** The path and query: valid values, or with {@code odd}, mostly odd ones. */
  private Arbitrary<String> target(Operation op, boolean odd) {
    List<Arbitrary<String>> pathValues = op.pathParams().stream().map(p -> value(p, odd ? 3 : 0)).toList();
    Arbitrary<List<String>> path = pathValues.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(pathValues).as(List::copyOf);
    List<Arbitrary<String>> pairs = op.query().stream().map(p -> queryPair(p, odd)).toList();
    Arbitrary<List<String>> query = pairs.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(pairs).as(List::copyOf);
    Arbitrary<String> tail = odd ? Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")), Tuple.of(1, Arbitraries.of(ODD_QUERY_TAILS)))
      : Arbitraries.just("");
    return Combinators.combine(path, query, tail).as((values, params, extra) -> {
      Map<String, String> byName = new HashMap<>();
      for (int i = 0; i < values.size(); i++) {
        byName.put(op.pathParams().get(i).name(), values.get(i));
      }
      String queryText = String.join("&", params.stream().filter(p -> !p.isEmpty()).toList()) + extra;
      return op.path(byName) + (queryText.isEmpty() ? "" : "?" + queryText.replaceFirst("^&", ""));
    });
  }

  /** {@code name=value}, or "" when the parameter is left out (a required one only among the odd requests). */
  private Arbitrary<String> queryPair(Param param, boolean odd) {
    Arbitrary<String> pair = value(param, odd ? 2 : 0).map(value -> param.name() + "=" + value);
    return param.required() && !odd ? pair : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")), Tuple.of(2, pair));
  }

  /** A value for {@code param}, percent-encoded; odd with weight {@code oddWeight} against 1 for a valid one. */
  private static Arbitrary<String> value(Param param, int oddWeight) {
    Arbitrary<String> valid = param.integer()
      ? Arbitraries.longs().between(param.minimum() == null ? 0 : param.minimum(),
        param.maximum() == null ? 1_000 : param.maximum()).map(String::valueOf)
      : Values.friendlyText(1, 20).map(Requests::encode);
    if (oddWeight == 0) {
      return valid;
    }
    // at most 1000 characters: a request line over 4096 bytes is answered 414 before any route (GatewayLimitsTest)
    Arbitrary<String> odd = param.integer() ? Arbitraries.of(ODD_INTEGERS)
      : Values.oddText().map(Requests::encode).filter(encoded -> encoded.length() <= 1_000);
    return Arbitraries.frequencyOf(Tuple.of(1, valid), Tuple.of(oddWeight, odd));
  }

  private Arbitrary<String> oddAuthorization() {
    if (authorization == null) {
      return Arbitraries.just(null);
    }
    String token = authorization.substring("Bearer ".length());
    Arbitrary<String> odd = Arbitraries.of("", "Bearer", "Bearer ", "Bearer x.y.z", "Basic Zm9vOmJhcg==", "bearer " + token,
      token, "Bearer " + token + "x", "Bearer " + token.replace('.', '!'), "Bearer " + "A".repeat(4000),
      "Bearer eyJhbGciOiJub25lIn0." + token.split("\\.")[1] + ".", authorization + ", Bearer x");
    return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(authorization)), Tuple.of(1, odd),
      Tuple.of(1, Arbitraries.just(null)));
  }

  private static Arbitrary<String> contentType() {
    return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just("application/json")), Tuple.of(1, Arbitraries.just(null)),
      Tuple.of(2, Arbitraries.of(ODD_CONTENT_TYPES)));
  }

  /** One valid value for each required field of {@code schema}. */
  private static Arbitrary<List<Member>> validMembers(JsonObject schema) {
    JsonObject properties = schema.getJsonObject("properties");
    List<Arbitrary<Member>> members = schema.getJsonArray("required").stream().map(String.class::cast)
      .map(name -> validText(properties.getJsonObject(name)).map(text -> Member.of(name, json(text)))).toList();
    return Combinators.combine(members).as(List::copyOf);
  }

  private static Arbitrary<String> validText(JsonObject property) {
    if (property.getString("pattern", "").contains("@")) {
      return Values.email();
    }
    return Values.friendlyText(Math.max(1, property.getInteger("minLength", 1)), Math.min(64, property.getInteger("maxLength", 64)));
  }

  /** A valid body with one to three mutations: odd values, removed, repeated and extra fields, a body over 16 KiB. */
  private static Arbitrary<byte[]> mutated(JsonObject schema) {
    List<String> fields = List.copyOf(schema.getJsonObject("properties").fieldNames());
    Arbitrary<String> field = Arbitraries.of(fields);
    Arbitrary<byte[]> oddKey = Arbitraries.oneOf(
      Arbitraries.of("id", "createdAt", "__proto__", "constructor", "", "NAME", "name ", "e\u0301mail").map(Values::json),
      Values.oddText().map(Values::json));
    Arbitrary<UnaryOperator<List<Member>>> mutation = Arbitraries.frequencyOf(
      Tuple.of(6, Combinators.combine(field, Values.oddJsonValue()).as((name, value) -> members -> replace(members, name, value))),
      Tuple.of(1, field.map(name -> members -> remove(members, name))),
      Tuple.of(2, Combinators.combine(field, Values.oddJsonValue()).as((name, value) -> members -> add(members, Member.of(name, value)))),
      Tuple.of(2, Combinators.combine(oddKey, Values.oddJsonValue()).as((key, value) -> members -> add(members, new Member(key, value)))),
      Tuple.of(1, Arbitraries.integers().between(300, 600).map(count -> members -> inflate(members, count))));
    return Combinators.combine(validMembers(schema), mutation.list().ofMinSize(1).ofMaxSize(3)).as((members, mutations) -> {
      List<Member> result = members;
      for (UnaryOperator<List<Member>> apply : mutations) {
        result = apply.apply(result);
      }
      return object(result);
    });
  }

  /** Bytes that are not a valid body: not JSON, not an object, cut short, not UTF-8, framed oddly, too large. */
  private static Arbitrary<byte[]> rawBody(JsonObject schema) {
    Arbitrary<byte[]> valid = validMembers(schema).map(Requests::object);
    return Arbitraries.frequencyOf(
      Tuple.of(3, Arbitraries.of(ODD_BODIES).map(Values::utf8)),
      Tuple.of(3, valid.flatMap(body -> Arbitraries.integers().between(0, body.length - 1).map(cut -> Arrays.copyOf(body, cut)))),
      Tuple.of(1, valid.map(body -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, body))),
      Tuple.of(1, valid.map(body -> concat(body, utf8(" x")))),
      Tuple.of(1, valid.map(body -> new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16))),
      Tuple.of(1, valid.map(body -> new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE))),
      Tuple.of(2, Combinators.combine(valid, Values.invalidUtf8()).as(Requests::intoFirstString)),
      Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
      Tuple.of(1, Arbitraries.of(16_385, 20_000, 100_000).map(size -> utf8("{\"name\":\"" + "x".repeat(size) + "\"}"))),
      Tuple.of(1, valid));
  }

  private static List<Member> replace(List<Member> members, String name, byte[] value) {
    return members.stream().map(m -> m.is(name) ? Member.of(name, value) : m).toList();
  }

  private static List<Member> remove(List<Member> members, String name) {
    return members.stream().filter(m -> !m.is(name)).toList();
  }

  private static List<Member> add(List<Member> members, Member member) {
    List<Member> more = new ArrayList<>(members);
    more.add(member);
    return more;
  }

  /** {@code count} extra fields of 40 bytes each: with 300 or more, a body over the 16 KiB limit. */
  private static List<Member> inflate(List<Member> members, int count) {
    List<Member> more = new ArrayList<>(members);
    IntStream.range(0, count).forEach(i -> more.add(Member.of("pad" + i, json("p".repeat(30)))));
    return more;
  }

  /** The members as a JSON object, written as they are (a repeated key stays repeated). */
  static byte[] object(List<Member> members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('{');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(members.get(i).key());
      out.write(':');
      out.writeBytes(members.get(i).value());
    }
    out.write('}');
    return out.toByteArray();
  }

  /** {@code bytes} inserted just after the opening quote of the body's first string value. */
  private static byte[] intoFirstString(byte[] body, byte[] bytes) {
    int colon = indexOf(body, (byte) ':');
    int quote = indexOf(Arrays.copyOfRange(body, colon, body.length), (byte) '"') + colon + 1;
    return concat(concat(Arrays.copyOf(body, quote), bytes), Arrays.copyOfRange(body, quote, body.length));
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + (char) wanted);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
