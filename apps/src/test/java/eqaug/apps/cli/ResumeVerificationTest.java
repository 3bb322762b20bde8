package eqaug.apps.cli;

import eqaug.apps.results.ConfigJson;
import eqaug.apps.experiments.Experiment;
import eqaug.apps.results.PriorResults;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.experiments.UsageException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import eqaug.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} keeps only what it can verify: every finished part's rows must be exactly those whose count
 * and SHA-256 config.json recorded when the part was committed, and the folder must have been computed with
 * this command's generator, engine and precision. Any damage is refused in one line naming the part, and the
 * folder is left as it was.
 */
class ResumeVerificationTest {
  private static final String[] PERM = {"perm", "--runs", "2", "--epochs", "3", "--samples", "60", "--naug", "2", "-q"};

  @TempDir
  Path tmp;

  private Path whole;
  private Path cut;

  private static String[] with(String... more) {
    return Stream.concat(Stream.of(PERM), Stream.of(more)).toArray(String[]::new);
  }

  @BeforeEach
  void folders() throws IOException {
    whole = tmp.resolve("whole");
    assertEquals(0, CliTest.run(with("--out", whole.toString())).code());
    cut = tmp.resolve("cut");
    Files.createDirectories(cut);
    for (String f : new String[] {"config.json", "metrics.csv"}) {
      Files.copy(whole.resolve(f), cut.resolve(f));
    }
    ResumeTest.cutAfter(cut, 2); // run 0 NOMINAL and AUGMENTED kept
  }

  private void damageCsv(UnaryOperator<List<String>> edit) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(cut.resolve("metrics.csv")));
    Files.write(cut.resolve("metrics.csv"), edit.apply(lines));
  }

  /** Resuming the damaged folder is refused in one line containing {@code message}, and nothing is touched. */
  private void assertRefused(String message) throws IOException {
    String csv = Files.readString(cut.resolve("metrics.csv"));
    String cfg = Files.readString(cut.resolve("config.json"));
    EndToEndTest.assertOneLineError(CliTest.run(with("--out", cut.toString(), "--resume")), message);
    assertEquals(csv, Files.readString(cut.resolve("metrics.csv")));
    assertEquals(cfg, Files.readString(cut.resolve("config.json")));
  }

  private static int firstRowOf(List<String> lines, String prefix) {
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no row starts with " + prefix);
  }

  @Test
  void aDeletedRowIsRefusedNamingThePart() throws IOException {
    damageCsv(l -> {
      l.remove(firstRowOf(l, "0,AUGMENTED,2,"));
      return l;
    });
    assertRefused("run 0 AUGMENTED has");
  }

  @Test
  void anAddedRowIsRefused() throws IOException {
    damageCsv(l -> {
      int i = firstRowOf(l, "0,NOMINAL,1,");
      l.add(i, l.get(i));
      return l;
    });
    assertRefused("run 0 NOMINAL has");
  }

  @Test
  void aNonFiniteValueIsRefusedNamingTheLine() throws IOException {
    damageCsv(l -> {
      int i = firstRowOf(l, "0,AUGMENTED,1,");
      String[] f = l.get(i).split(",", -1);
      f[6] = "NaN";
      l.set(i, String.join(",", f));
      return l;
    });
    assertRefused("run 0 AUGMENTED differs from what was recorded when it finished (checksum of its rows; line");
  }

  @Test
  void anEditedNumberIsRefused() throws IOException {
    damageCsv(l -> {
      int i = firstRowOf(l, "0,NOMINAL,2,");
      String[] f = l.get(i).split(",", -1);
      f[5] = String.valueOf(Double.parseDouble(f[5]) * (1 + 1e-12));
      l.set(i, String.join(",", f));
      return l;
    });
    assertRefused("run 0 NOMINAL differs from what was recorded");
  }

  @Test
  void aRenamedLayerIsRefused() throws IOException {
    damageCsv(l -> {
      l.replaceAll(s -> s.startsWith("0,NOMINAL,0,") ? s.replace(",rho1,", ",rho9,") : s);
      return l;
    });
    assertRefused("run 0 NOMINAL differs from what was recorded");
  }

  @Test
  void missingPartsAndForeignRowsAreRefused() throws IOException {
    damageCsv(l -> new ArrayList<>(l.subList(0, firstRowOf(l, "0,AUGMENTED,"))));
    assertRefused("run 0 AUGMENTED is recorded as finished in config.json but its rows are missing");
    damageCsv(l -> {
      List<String> all;
      try {
        all = Files.readAllLines(whole.resolve("metrics.csv"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      List<String> out = new ArrayList<>(all.subList(0, firstRowOf(all, "0,EQUIVARIANT,")));
      out.add("0,EQUIVARIANT,0,rho1,0.0,0.0,0.5,0.5");
      return out;
    });
    assertRefused("rows that config.json does not record");
  }

  @Test
  void aWholePartWrittenJustBeforeAnInterruptionIsTrainedAgainToTheSameNumbers() throws IOException {
    // metrics.csv is written before config.json: a stop between the two leaves one unrecorded whole part.
    List<String> all = Files.readAllLines(whole.resolve("metrics.csv"));
    damageCsv(l -> new ArrayList<>(all.subList(0, firstRowOf(all, "1,NOMINAL,"))));
    CliTest.Result r = CliTest.run(with("--out", cut.toString(), "--resume"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("2 of 6"), r.out());
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(cut.resolve("metrics.csv")));
  }

  @Test
  void aFolderComputedAnotherWayIsRefusedNamingTheDifference() throws IOException {
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("generator", "jdk-splittablerandom-17"));
    assertRefused("numerics.generator is jdk-splittablerandom-17 there");
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("generator",
        eqaug.train.RandomStreams.GENERATOR));
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("engine", "opencl"));
    assertRefused("numerics.engine is opencl there, cpu here");
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("engine", "cpu"));
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("precision", "fp64"));
    assertRefused("numerics.precision is fp64 there, fp32 here");
    ResumeTest.editConfig(cut, c -> ((Map<String, Object>) c.get("numerics")).put("precision", "fp32"));
    ResumeTest.editConfig(cut, c -> c.remove("numerics"));
    assertRefused("numerics is null there");
    ResumeTest.editConfig(cut, c -> c.put("numerics", ConfigJson.numerics("cpu")));
    // Another A^0 (as another generator would draw) is caught by the recorded ||A^0||.
    ResumeTest.editConfig(cut, c -> c.put("initial_norms", List.of(0.5)));
    assertRefused("run 0 starts from another A0 here");
  }

  @Test
  void aFolderWithoutChecksumsIsRefused() throws IOException {
    ResumeTest.editConfig(cut, c -> c.remove("parts"));
    assertRefused("records no checksums of its parts");
  }

  /**
   * Random truncations, byte flips and edits of metrics.csv and config.json: each is either refused with a
   * one-line usage error or read exactly as the undamaged folder (same parts, same records), never anything else.
   */
  @Test
  void damagedFoldersAreRefusedOrReadIdenticallyNeverAnythingElse() throws IOException {
    Map<String, Object> expected = new ExperimentSession(options(), Main.backend("cpu"))
        .expectedConfig(experiment(), protocol());
    PriorResults intact = PriorResults.load(cut, expected, 3);
    byte[] csv = Files.readAllBytes(cut.resolve("metrics.csv"));
    byte[] cfg = Files.readAllBytes(cut.resolve("config.json"));
    SplittableRandom rng = new SplittableRandom(Long.getLong("fuzz.seed", 20261202));
    int refused = 0;
    int identical = 0;
    for (int trial = 0; trial < Integer.getInteger("fuzz.trials", 300); trial++) {
      boolean onCsv = rng.nextBoolean();
      byte[] bytes = (onCsv ? csv : cfg).clone();
      byte[] damaged = switch (rng.nextInt(4)) {
        case 0 -> java.util.Arrays.copyOf(bytes, rng.nextInt(bytes.length));
        case 1 -> {
          int n = 1 + rng.nextInt(3);
          for (int k = 0; k < n; k++) {
            bytes[rng.nextInt(bytes.length)] ^= (byte) (1 << rng.nextInt(8));
          }
          yield bytes;
        }
        case 2 -> {
          int at = rng.nextInt(bytes.length);
          String alphabet = "0123456789,.-eE\n\"{}[]:aN";
          bytes[at] = (byte) alphabet.charAt(rng.nextInt(alphabet.length()));
          yield bytes;
        }
        default -> {
          int at = rng.nextInt(bytes.length);
          int len = Math.min(bytes.length - at, 1 + rng.nextInt(40));
          byte[] out = new byte[bytes.length - len];
          System.arraycopy(bytes, 0, out, 0, at);
          System.arraycopy(bytes, at + len, out, at, bytes.length - at - len);
          yield out;
        }
      };
      Path dir = tmp.resolve("fuzz" + trial);
      Files.createDirectories(dir);
      Files.write(dir.resolve("metrics.csv"), onCsv ? damaged : csv);
      Files.write(dir.resolve("config.json"), onCsv ? cfg : damaged);
      PriorResults read;
      try {
        read = PriorResults.load(dir, expected, 3);
        read.verifyInitialNorms(experiment(), protocol()); // as the command does before it keeps anything
      } catch (UsageException e) {
        assertTrue(e.getMessage().startsWith("--resume:") && !e.getMessage().contains("\n"), e.getMessage());
        refused++;
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("trial " + trial + " (" + (onCsv ? "metrics.csv" : "config.json")
            + ") escaped with " + e, e);
      }
      assertSameParts(intact, read, trial);
      identical++;
    }
    assertTrue(refused > 100 && identical > 0, refused + " refused, " + identical + " read identically");
  }

  private static void assertSameParts(PriorResults a, PriorResults b, int trial) {
    assertEquals(a.parts.size(), b.parts.size(), "trial " + trial);
    for (int i = 0; i < a.parts.size(); i++) {
      PriorResults.Part p = a.parts.get(i);
      PriorResults.Part q = b.parts.get(i);
      assertEquals(p.run(), q.run());
      assertEquals(p.strategy(), q.strategy());
      assertEquals(p.records().size(), q.records().size());
      for (int e = 0; e < p.records().size(); e++) {
        EpochRecord x = p.records().get(e);
        EpochRecord y = q.records().get(e);
        assertEquals(x.layers(), y.layers());
        assertArrayEquals(x.distInit(), y.distInit());
        assertArrayEquals(x.distE(), y.distE());
        assertEquals(x.loss(), y.loss());
        assertEquals(x.accuracy(), y.accuracy());
        if (x.totalDistE() != y.totalDistE()) {
          fail("trial " + trial + ": total differs");
        }
      }
    }
    assertEquals(a.initialNorms, b.initialNorms);
  }

  private static ExperimentOptions options() {
    ExperimentOptions o = new ExperimentOptions();
    o.runs = 2;
    o.epochs = 3;
    o.samples = 60;
    o.naug = "2";
    return o;
  }

  private static Protocol protocol() {
    Protocol p = ExperimentCommand.protocol(new PermCommand().defaults(ExperimentOptions.Scale.quick), options());
    return ExperimentCommand.fitToData(p, new PermCommand().create(p), options());
  }

  private static Experiment experiment() {
    return new PermCommand().create(protocol());
  }
}
