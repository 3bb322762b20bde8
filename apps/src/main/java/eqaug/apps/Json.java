package eqaug.apps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer and reader for the results files (maps, lists, strings, numbers, booleans, null).
 * The reader gives maps as LinkedHashMap, lists as List, numbers as Double; it reads what {@link #write} writes
 * and any other well-formed JSON, and throws IllegalArgumentException with the offset of the first error.
 */
final class Json {
  private Json() {}

  static Object read(String text) {
    Reader r = new Reader(text);
    Object v = r.value();
    r.space();
    if (r.pos != text.length()) {
      throw r.error("trailing characters");
    }
    return v;
  }

  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("malformed JSON at character " + pos + ": " + what);
    }

    void space() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    void expect(char c) {
      space();
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    Object value() {
      space();
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (pos < s.length() && s.charAt(pos) == '}') {
          pos++;
          return m;
        }
        do {
          space();
          String key = string();
          expect(':');
          m.put(key, value());
          space();
        } while (pos < s.length() && s.charAt(pos) == ',' && ++pos > 0);
        expect('}');
        return m;
      }
      if (c == '[') {
        pos++;
        List<Object> l = new ArrayList<>();
        space();
        if (pos < s.length() && s.charAt(pos) == ']') {
          pos++;
          return l;
        }
        do {
          l.add(value());
          space();
        } while (pos < s.length() && s.charAt(pos) == ',' && ++pos > 0);
        expect(']');
        return l;
      }
      if (c == '"') {
        return string();
      }
      for (String word : new String[] {"true", "false", "null"}) {
        if (s.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("null") ? null : Boolean.valueOf(word);
        }
      }
      int start = pos;
      while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
      try {
        return Double.valueOf(s.substring(start, pos));
      } catch (NumberFormatException e) {
        pos = start;
        throw error("expected a value");
      }
    }

    String string() {
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("expected a string");
      }
      pos++;
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> sb.append(e);
        }
      }
      throw error("unterminated string");
    }
  }

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
