package eqaug.apps.experiments;

import eqaug.group.Group;
import eqaug.group.GroupElement;
import eqaug.group.PermutationGroup;
import eqaug.group.RotationGroup;
import eqaug.group.SymmetricGroup;
import eqaug.group.TranslationGroup;
import eqaug.train.Augmentation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --augment-by SPEC} (issue 12, item 7): the distribution mu on G that AUGMENTED draws its elements from
 * when it is not the Haar measure of G itself (§3.2, R^aug(A) = E_{g ~ mu} R(A; g data)). E, the projection and
 * every metric stay those of G = {@code exp.architecture().group()}; only the draws change.
 *
 * <p>Grammar (items are separated by commas outside parentheses; spaces around items are ignored):
 * <pre>
 *   SPEC      = GENERATORS | WEIGHTED
 *   GENERATORS = ELEMENT ("," ELEMENT)*             Haar on the subgroup H = &lt;ELEMENT, ...&gt; of G
 *   WEIGHTED  = ELEMENT ":" WEIGHT ("," ELEMENT ":" WEIGHT)*
 *                                                  each listed element with probability WEIGHT / sum
 *   WEIGHT    = a positive decimal number (e.g. 2, 0.5, 1e-3)
 *   ELEMENT   = "e"                                 the identity, in every experiment
 *             | rot   (C4):        "r" K            rotation by K quarter turns, K = 0..3 (r0 = e, r2 = 180°)
 *             | trans (Z_N x Z_N): "t(" K "," L ")" the cyclic shift by K rows and L columns, |K|, |L| &lt; N
 *             | perm  (S_N):       CYCLE+           a permutation of the nodes 0..N-1 in disjoint cycle
 *                                                   notation, e.g. "(0 1)(2 3)" or "(0 1 2 3 4)"
 * </pre>
 * Any other group of permutations accepts "e" and cycle notation on its points 0..degree-1. Every element must lie
 * in G; the two forms are not mixed, and a weighted list names each element once. The result is recorded by its
 * description, which names the elements canonically (r0 is written e, t(-1,0) on Z_14 x Z_14 is t(13,0), cycles
 * start at their smallest point): "Haar on &lt;r2&gt; (C2, order 2)", "weighted draw e:0.4, r2:0.6".
 */
public final class AugmentBy {
  static final String OPTION = "--augment-by";

  private AugmentBy() {}

  /** SPEC as an augmentation of the experiment's group; refuses bad input in one line naming the option. */
  public static Augmentation parse(String spec, Experiment exp) {
    return parse(spec, exp.architecture().group());
  }

  /** SPEC as an augmentation of G. */
  public static Augmentation parse(String spec, Group g) {
    if (spec == null || spec.isBlank()) {
      throw usage("needs generators (e.g. r2) or weighted elements (e.g. e:2,r2:3), got an empty value");
    }
    if (!(g instanceof PermutationGroup pg)) {
      throw usage("needs a group of permutations; " + g.name() + " is not one");
    }
    Names names = Names.of(pg);
    List<String> items = split(spec);
    boolean weighted = colon(items.get(0)) >= 0;
    for (String item : items) {
      if ((colon(item) >= 0) != weighted) {
        throw usage("'" + spec + "' mixes generators and weighted elements; give either generators (e.g. r2) "
            + "or every element with a weight (e.g. e:2,r2:3)");
      }
    }
    return weighted ? weighted(items, names, pg) : subgroup(items, names, pg);
  }

  private static Augmentation subgroup(List<String> items, Names names, PermutationGroup g) {
    List<int[]> codes = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    int nonIdentity = 0;
    List<GroupElement> distinct = new ArrayList<>();
    for (String item : items) {
      int[] code = element(item, names, g);
      codes.add(code);
      shown.add(names.name(code));
      GroupElement el = new GroupElement(code);
      if (!el.equals(g.identity()) && !distinct.contains(el)) {
        distinct.add(el);
        nonIdentity++;
      }
    }
    String gens = "<" + String.join(", ", shown) + ">";
    PermutationGroup h = new PermutationGroup(gens, g.degree(), codes);
    String order = "order " + h.exactOrder();
    String kind;
    if (h.equals(g)) {
      kind = "all of " + g.name() + ", " + order;
    } else if (nonIdentity == 0) {
      kind = "trivial, " + order;
    } else if (nonIdentity == 1 || cyclic(h)) {
      kind = "C" + h.exactOrder() + ", " + order;
    } else {
      kind = order;
    }
    return Augmentation.haarOn(h, "Haar on " + gens + " (" + kind + ")");
  }

  /** Whether some element of H has order |H|; decided by listing H only up to exact augmentation's limit. */
  private static boolean cyclic(PermutationGroup h) {
    long order = h.order();
    if (order > Augmentation.MAX_EXACT) {
      return false; // not decided: the description then names only the order
    }
    for (GroupElement x : h.elements()) {
      if (elementOrder(x.code()) == order) {
        return true;
      }
    }
    return false;
  }

  /** The order of a permutation: the least common multiple of its cycle lengths. */
  static long elementOrder(int[] p) {
    long lcm = 1;
    boolean[] done = new boolean[p.length];
    for (int x = 0; x < p.length; x++) {
      int len = 0;
      for (int y = x; !done[y]; y = p[y]) {
        done[y] = true;
        len++;
      }
      if (len > 0) {
        lcm = lcm / java.math.BigInteger.valueOf(lcm).gcd(java.math.BigInteger.valueOf(len)).longValue() * len;
      }
    }
    return lcm;
  }

  private static Augmentation weighted(List<String> items, Names names, PermutationGroup g) {
    Map<GroupElement, String> seen = new LinkedHashMap<>();
    List<GroupElement> atoms = new ArrayList<>();
    double[] w = new double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      int c = colon(item);
      String elementText = item.substring(0, c).trim();
      String weightText = item.substring(c + 1).trim();
      GroupElement el = new GroupElement(element(elementText, names, g));
      String before = seen.putIfAbsent(el, elementText);
      if (before != null) {
        throw usage("lists " + names.name(el.code()) + " twice ('" + before + "' and '" + elementText
            + "'); give each element once, with its whole weight");
      }
      w[i] = weight(weightText, elementText);
      atoms.add(el);
    }
    Augmentation a = Augmentation.weighted(atoms, w, "weighted draw");
    double[] p = a.weights();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      parts.add(names.name(atoms.get(i).code()) + ":" + new BigDecimal(p[i]).round(new MathContext(6))
          .stripTrailingZeros().toPlainString());
    }
    return Augmentation.weighted(atoms, w, "weighted draw " + String.join(", ", parts));
  }

  private static final Pattern DECIMAL = Pattern.compile("([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private static double weight(String text, String element) {
    double w = DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : Double.NaN;
    if (!(w > 0) || !Double.isFinite(w)) {
      throw usage("the weight of " + element + " must be a positive number (e.g. " + element + ":2), got '" + text
          + "'");
    }
    return w;
  }

  /** The item's element of G, refusing unknown names and elements outside G. */
  private static int[] element(String item, Names names, PermutationGroup g) {
    String t = item.trim();
    if (t.isEmpty()) {
      throw usage("has an empty element; elements of " + g.name() + " are " + names.grammar());
    }
    int[] code = t.equals("e") ? g.identity().code() : names.parse(t);
    if (code == null) {
      throw usage("unknown element '" + t + "' of " + g.name() + "; its elements are " + names.grammar());
    }
    if (!g.contains(code)) {
      throw usage(t + " is not an element of " + g.name());
    }
    return code;
  }

  /** The spec's items: split at commas outside parentheses. */
  static List<String> split(String spec) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        if (--depth < 0) {
          throw usage("'" + spec + "' has a ')' without its '('");
        }
      } else if (c == ',' && depth == 0) {
        items.add(spec.substring(from, i).trim());
        from = i + 1;
      }
    }
    if (depth != 0) {
      throw usage("'" + spec + "' has a '(' without its ')'");
    }
    items.add(spec.substring(from).trim());
    for (String item : items) {
      if (item.isEmpty()) {
        throw usage("'" + spec + "' has an empty item (two commas in a row, or one at an end)");
      }
    }
    return items;
  }

  /** Where the item's weight begins (its ':' outside parentheses), or -1. */
  private static int colon(String item) {
    int depth = 0;
    for (int i = 0; i < item.length(); i++) {
      char c = item.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ':' && depth == 0) {
        return i;
      }
    }
    return -1;
  }

  static UsageException usage(String why) {
    return new UsageException(OPTION + " " + why);
  }

  /** How one kind of group names its elements (besides "e"). */
  private interface Names {
    /** The element's code, null when the text is no name of this kind; refuses names outside G with a reason. */
    int[] parse(String text);

    /** The canonical name of an element of G. */
    String name(int[] code);

    /** What the names look like, for a refusal. */
    String grammar();

    static Names of(PermutationGroup g) {
      if (g instanceof RotationGroup r) {
        return new Rotations(r);
      }
      if (g instanceof TranslationGroup t) {
        return new Shifts(t);
      }
      return new Cycles(g, g instanceof SymmetricGroup ? "node" : "point");
    }
  }

  /** C4: rK is rotation by K quarter turns (RotationGroup.rotation(K), GridActions.rotations). */
  private record Rotations(RotationGroup g) implements Names {
    private static final Pattern R = Pattern.compile("r([0-9]+)");

    @Override
    public int[] parse(String text) {
      Matcher m = R.matcher(text);
      if (!m.matches()) {
        return null;
      }
      if (m.group(1).length() > 1 || Integer.parseInt(m.group(1)) > 3) {
        throw usage(text + " is not an element of C4: its rotations are r0 (= e), r1, r2 (180°) and r3 quarter turns");
      }
      return g.rotation(Integer.parseInt(m.group(1))).code();
    }

    @Override
    public String name(int[] code) {
      return code[0] == 0 ? "e" : "r" + code[0];
    }

    @Override
    public String grammar() {
      return "e and r1, r2, r3 (rotations by 1, 2, 3 quarter turns; r2 is the 180° rotation)";
    }
  }

  /** Z_N x Z_N: t(K,L) is the cyclic shift by K rows and L columns (TranslationGroup.shift(K, L)). */
  private record Shifts(TranslationGroup g) implements Names {
    private static final Pattern T = Pattern.compile("t\\(\\s*([+-]?[0-9]+)\\s*,\\s*([+-]?[0-9]+)\\s*\\)");

    @Override
    public int[] parse(String text) {
      Matcher m = T.matcher(text);
      if (!m.matches()) {
        return null;
      }
      int n = g.n();
      long k = bounded(m.group(1));
      long l = bounded(m.group(2));
      if (Math.abs(k) >= n || Math.abs(l) >= n) {
        throw usage(text + " is not an element of " + g.name() + ": shifts run from " + (1 - n) + " to " + (n - 1)
            + " in each direction");
      }
      return g.shift((int) k, (int) l).code();
    }

    private static long bounded(String digits) {
      // Anything longer than 9 digits is out of range anyway; saying so beats an overflow.
      return digits.replaceFirst("^[+-]", "").length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    @Override
    public String name(int[] code) {
      int n = g.n();
      int k = code[0];
      int l = code[n] - n;
      return k == 0 && l == 0 ? "e" : "t(" + k + "," + l + ")";
    }

    @Override
    public String grammar() {
      int n = g.n();
      return "e and t(K,L), the shift by K rows and L columns, |K|, |L| < " + n + " (e.g. t(" + n / 2 + ",0))";
    }
  }

  /** Any permutation group, S_N's nodes in particular: disjoint cycles of its points. */
  private record Cycles(PermutationGroup g, String point) implements Names {
    private static final Pattern WHOLE = Pattern.compile("(\\(\\s*[0-9]+(\\s*[\\s,]\\s*[0-9]+)*\\s*\\)\\s*)+");
    private static final Pattern ONE = Pattern.compile("\\(([^)]*)\\)");

    @Override
    public int[] parse(String text) {
      if (!WHOLE.matcher(text).matches()) {
        return null;
      }
      int n = g.degree();
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        p[i] = i;
      }
      boolean[] used = new boolean[n];
      Matcher m = ONE.matcher(text);
      while (m.find()) {
        String[] parts = m.group(1).trim().split("[\\s,]+");
        int[] cycle = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
          int x = parts[i].length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(parts[i]);
          if (x >= n) {
            throw usage(text + " is not an element of " + g.name() + ": " + point + " " + parts[i]
                + " is not one of its " + point + "s 0.." + (n - 1));
          }
          if (used[x]) {
            throw usage(text + ": " + point + " " + x + " appears twice; write the permutation as disjoint cycles");
          }
          used[x] = true;
          cycle[i] = x;
        }
        for (int i = 0; i < cycle.length; i++) {
          p[cycle[i]] = cycle[(i + 1) % cycle.length];
        }
      }
      return p;
    }

    @Override
    public String name(int[] code) {
      StringBuilder s = new StringBuilder();
      boolean[] done = new boolean[code.length];
      for (int x = 0; x < code.length; x++) {
        if (done[x] || code[x] == x) {
          continue;
        }
        s.append('(');
        for (int y = x; !done[y]; y = code[y]) {
          done[y] = true;
          s.append(y == x ? "" : " ").append(y);
        }
        s.append(')');
      }
      return s.length() == 0 ? "e" : s.toString();
    }

    @Override
    public String grammar() {
      return "e and permutations of the " + point + "s 0.." + (g.degree() - 1)
          + " in disjoint cycle notation, e.g. (0 1)(2 3) or (0 1 2)";
    }
  }
}
