package io.microservicestack.common;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The input rules shared by every service")
class ParamsTest {

  @ParameterizedTest(name = "''{0}'' is not an integer")
  @ValueSource(strings = {" 5", "5 ", " 5 ", "+5", "5.0", "1e3", "", "-", "abc", "99999999999999999999", "０"})
  @DisplayName("An integer is digits and nothing else: no spaces around it, no sign but '-', no fraction")
  void integersAreStrict(String text) {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.integer("limit", text, 10L, 1, 100, errors)).isNull();

    assertThat(errors.has("limit")).isTrue();
  }

  @Test
  @DisplayName("An integer out of range is an error, never clamped or wrapped; an absent one takes the default")
  void integerRange() {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.integer("limit", "100", 10L, 1, 100, errors)).isEqualTo(100L);
    assertThat(Params.integer("limit", 7, 10L, 1, 100, errors)).isEqualTo(7L);
    assertThat(Params.integer("limit", null, 10L, 1, 100, errors)).isEqualTo(10L);
    assertThat(errors.isEmpty()).isTrue();
    assertThat(Params.integer("limit", "101", 10L, 1, 100, errors)).isNull();
    assertThat(Params.integer("offset", "-1", 0L, 0, Integer.MAX_VALUE, errors)).isNull();

    assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(ProblemException.class, e -> {
      assertThat(e.problem().status()).isEqualTo(400);
      assertThat(e.problem().errors()).containsOnlyKeys("limit", "offset");
      assertThat(e.problem().errors().get("limit")).containsExactly("must be an integer from 1 to 100");
    });
  }

  @ParameterizedTest(name = "id ''{0}''")
  @ValueSource(strings = {"0", "-1", " 1", "x", ""})
  @DisplayName("An id is an integer from 1: 0 is a 400 like any other bad id")
  void ids(String text) {
    assertThatThrownBy(() -> Params.id("id", text)).isInstanceOfSatisfying(ProblemException.class, e -> {
      assertThat(e.problem().status()).isEqualTo(400);
      assertThat(e.problem().errors().get("id")).containsExactly("must be a positive integer");
    });
    assertThat(Params.id("id", "1")).isEqualTo(1L);
  }

  @Test
  @DisplayName("Text is a non-blank string, its length counted in code points")
  void text() {
    FieldErrors errors = new FieldErrors();
    String emoji = "😀".repeat(4);

    assertThat(Params.text("name", emoji, 4, errors)).isEqualTo(emoji);
    assertThat(Params.text("name", " a ", 4, errors)).isEqualTo(" a ");
    assertThat(errors.isEmpty()).isTrue();
    assertThat(Params.text("blank", " ", 4, errors)).isNull();
    assertThat(Params.text("number", 5, 4, errors)).isNull();
    assertThat(Params.text("long", "abcde", 4, errors)).isNull();
    assertThat(Params.text("missing", null, 4, errors)).isNull();

    assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(ProblemException.class, e ->
      assertThat(e.problem().errors()).containsExactly(
        java.util.Map.entry("blank", java.util.List.of("must not be blank")),
        java.util.Map.entry("number", java.util.List.of("must be a string")),
        java.util.Map.entry("long", java.util.List.of("must be at most 4 characters")),
        java.util.Map.entry("missing", java.util.List.of("is required"))));
  }

  @Test
  @DisplayName("Text is normalised to NFC, and its length is counted after that")
  void normalisesToNfc() {
    FieldErrors errors = new FieldErrors();
    String decomposed = "Zoe\u0308";

    assertThat(Params.text("name", decomposed, 3, errors)).isEqualTo("Zo\u00eb");
    assertThat(errors.isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x0, 0x1, 0x9, 0xA, 0xD, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0x200B, 0x2028, 0x2029, 0x202A, 0x202E,
    0x2060, 0x2066, 0x2069, 0xFDD0, 0xFDEF, 0xFEFF, 0xFFF9, 0xFFFB, 0xFFFE, 0xFFFF, 0x1FFFF, 0x10FFFF})
  @DisplayName("One-line text refuses controls, line breaks, noncharacters and invisible formatting characters, naming the character")
  void refusesInOneLineText(int codePoint) {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.text("name", "a" + Character.toString(codePoint) + "b", 10, errors)).isNull();

    assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(ProblemException.class, e ->
      assertThat(e.problem().errors().get("name")).singleElement().asString()
        .startsWith("must not contain " + String.format("U+%04X", codePoint)));
  }

  @Test
  @DisplayName("Multi-line text may hold tabs and line breaks but no other control character")
  void multiline() {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.multiline("message", "a\tb\r\nc\u2028d", 10, errors)).isEqualTo("a\tb\r\nc\u2028d");
    assertThat(errors.isEmpty()).isTrue();
    assertThat(Params.multiline("message", "a\u0000", 10, errors)).isNull();
    assertThat(Params.multiline("message", "a\u202e", 10, errors)).isNull();
    assertThat(errors.has("message")).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Zoë", "日本語", "😀👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "שלום\u200F", "नमस्ते", "می\u200Cخواهم", "a\u00A0b"})
  @DisplayName("Text of any script, emoji with their joiners and variation selectors, and bidirectional marks are allowed")
  void allowsEveryScript(String text) {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.text("name", text, 20, errors)).isNotNull();
    assertThat(errors.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("An unpaired surrogate is refused, naming it; a pair (one emoji) is fine")
  void surrogates() {
    FieldErrors errors = new FieldErrors();

    assertThat(Params.text("a", "x\ud800", 10, errors)).isNull();
    assertThat(Params.text("b", "\udc00x", 10, errors)).isNull();
    assertThat(Params.text("c", "\ud83d\ude00", 10, errors)).isEqualTo("😀");

    assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(ProblemException.class, e -> {
      assertThat(e.problem().errors()).containsOnlyKeys("a", "b");
      assertThat(e.problem().errors().get("a")).containsExactly("must not contain an unpaired surrogate (U+D800)");
    });
  }
}
