package eqaug.apps;

import java.util.Collection;
import java.util.Map;

/** A minimal JSON writer for the results files (maps, lists, strings, numbers, booleans, null). */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    sb.append('\n');
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Double d) {
      sb.append(Double.isFinite(d) ? number(d) : "null");
    } else if (v instanceof Float f) {
      sb.append(Float.isFinite(f) ? number(f) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        pad(sb, indent + 2);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 2);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      if (c.isEmpty()) {
        sb.append("[]");
        return;
      }
      boolean simple = c.stream().noneMatch(x -> x instanceof Map || x instanceof Collection);
      sb.append(simple ? "[" : "[\n");
      int i = 0;
      for (Object x : c) {
        if (!simple) {
          pad(sb, indent + 2);
        }
        write(sb, x, indent + 2);
        if (++i < c.size()) {
          sb.append(simple ? ", " : ",\n");
        } else if (!simple) {
          sb.append('\n');
        }
      }
      if (!simple) {
        pad(sb, indent);
      }
      sb.append(']');
    } else if (v instanceof double[] arr) {
      write(sb, java.util.Arrays.stream(arr).boxed().toList(), indent);
    } else {
      quote(sb, v.toString());
    }
  }

  static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private static void pad(StringBuilder sb, int n) {
    sb.append(" ".repeat(n));
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
