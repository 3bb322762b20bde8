package eqaug.apps.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The results files' JSON: what is written reads back as the same values, in order, and errors are located. */
class JsonTest {
  @Test
  void valuesReadBackAsWrittenInTheirOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1.5e-7);
    m.put("b", List.of("x \"q\" \\ \n <é>", true, false));
    m.put("c", null);
    m.put("a", Map.of("e", 30));
    m.put("long", 1L << 60);
    m.put("float", 0.1f);
    m.put("nan", Double.NaN);
    m.put("whole", 3.0);
    Map<?, ?> back = (Map<?, ?>) Json.read(Json.write(m));
    assertEquals(List.of("z", "b", "c", "a", "long", "float", "nan", "whole"), new ArrayList<>(back.keySet()));
    assertEquals(1.5e-7, back.get("z"));
    assertEquals(List.of("x \"q\" \\ \n <é>", true, false), back.get("b"));
    assertTrue(back.containsKey("c") && back.get("c") == null);
    assertEquals(Map.of("e", 30L), back.get("a"), "integers stay integers");
    assertEquals(1L << 60, back.get("long"), "a long beyond 2^53 is exact");
    assertEquals((double) 0.1f, back.get("float"), "a float as its exact double value");
    assertTrue(back.containsKey("nan") && back.get("nan") == null, "a non-finite number is null");
    assertEquals(3.0, back.get("whole"), "an integral double stays a double");
  }

  @Test
  void doublesRoundTripExactly() {
    SplittableRandom rng = new SplittableRandom(5);
    List<Double> values = new ArrayList<>(List.of(Double.MIN_VALUE, Double.MAX_VALUE, -0.0, 1e-5, 0.1 + 0.2, 1e22));
    for (int i = 0; i < 1000; i++) {
      values.add(Double.longBitsToDouble(rng.nextLong()));
    }
    values.removeIf(d -> !Double.isFinite(d));
    assertEquals(values, Json.read(Json.write(values)));
  }

  @Test
  void prettyWithKeysAsBuilt() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", List.of(2.5));
    assertEquals("{\n  \"b\": 1,\n  \"a\": [\n    2.5\n  ]\n}\n", Json.write(m));
  }

  @Test
  void malformedTextIsRefusedWithItsPlace() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read("{\"a\": [1, 2}"));
    assertTrue(e.getMessage().startsWith("malformed JSON: ") && e.getMessage().contains("Unterminated array at line 1 column 13"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    for (String bad : new String[] {"{\"a\": 1} x", "\"open", "", "{a: 1}", "[1,]", "NaN", "{\"a\": 1,}"}) {
      assertThrows(IllegalArgumentException.class, () -> Json.read(bad), bad);
    }
  }

  @Test
  void numbersCompareByValue() {
    assertTrue(Json.sameNumber(3L, 3.0));
    assertTrue(Json.sameNumber(1e-5, 1e-5));
    assertFalse(Json.sameNumber(3L, 3.0000000000000004));
    assertFalse(Json.sameNumber(1L << 60, (1L << 60) + 1));
    assertEquals("3", Json.show(3.0));
    assertEquals("1.0E-5", Json.show(1e-5));
    assertEquals("7", Json.show(7L));
  }
}
