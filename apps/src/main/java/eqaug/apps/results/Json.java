package eqaug.apps.results;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import java.util.Collection;
import java.util.Map;

/**
 * The results files' JSON (config.json, bench --json), through Gson (RFC 8259). Written pretty-printed with
 * keys in the order the maps were built; integers as integers, doubles as {@link Double#toString} (which
 * Double.parseDouble reads back exactly), non-finite doubles as null. Read back, objects are ordered maps,
 * arrays lists, integer literals Long and other numbers Double: a folder written before this class used Gson
 * holds integral doubles as "3", so compare numbers with {@link #sameNumber}, not equals.
 */
public final class Json {
  private Json() {}

  private static final Gson GSON = new GsonBuilder()
      .setPrettyPrinting()
      .serializeNulls()
      .disableHtmlEscaping()
      .setStrictness(Strictness.STRICT)
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
      .create();

  /** The value of a JSON text; IllegalArgumentException naming the line and column of the first error. */
  public static Object read(String text) {
    Object v;
    try {
      v = GSON.fromJson(text, Object.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("malformed JSON: " + reason(e), e);
    }
    if (v == null && text.isBlank()) {
      throw new IllegalArgumentException("malformed JSON: the text is empty");
    }
    return v;
  }

  /** Gson's innermost message, without the link to its troubleshooting page that it adds on a new line. */
  private static String reason(Throwable e) {
    while (e.getCause() != null && e.getCause().getMessage() != null) {
      e = e.getCause();
    }
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Maps, collections, double arrays, strings, numbers, booleans and null as pretty JSON with a final newline. */
  public static String write(Object value) {
    return GSON.toJson(tree(value)) + "\n";
  }

  private static JsonElement tree(Object v) {
    if (v == null) {
      return JsonNull.INSTANCE;
    } else if (v instanceof String s) {
      return new JsonPrimitive(s);
    } else if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    } else if (v instanceof Double || v instanceof Float) {
      // A float as its exact double value, as the files always held it (0.1f is 0.10000000149011612).
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? new JsonPrimitive(d) : JsonNull.INSTANCE;
    } else if (v instanceof Number n) {
      return new JsonPrimitive(n);
    } else if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.add(String.valueOf(k), tree(x)));
      return o;
    } else if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(tree(x)));
      return a;
    } else if (v instanceof double[] arr) {
      JsonArray a = new JsonArray();
      for (double d : arr) {
        a.add(tree(d));
      }
      return a;
    }
    return new JsonPrimitive(v.toString());
  }

  /** Whether two numbers read from JSON are the same value (3 and 3.0 are). */
  static boolean sameNumber(Number a, Number b) {
    return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(b.toString())) == 0;
  }

  /** A number as a person reads it: integral values without ".0". */
  static String show(Number n) {
    double d = n.doubleValue();
    if (!(n instanceof Long || n instanceof Integer) && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return n.toString();
  }
}
