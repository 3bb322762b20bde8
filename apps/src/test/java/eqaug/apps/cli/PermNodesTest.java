package eqaug.apps.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.experiments.PermutationExperiment;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.results.Json;
import eqaug.data.BlockErdosRenyi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code perm --nodes N} (issue 12, item 1): graphs of two clusters of N/2 nodes, S_N acting on them. */
class PermNodesTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"7", "2", "0", "-4", "12", "5"})
  void nodeCountsOutsideEvenFourToTenAreRefusedInOneLineWritingNothing(String n) {
    Path out = tmp.resolve("o");
    EndToEndTest.assertOneLineError(CliTest.run("perm", "--nodes", n, "--runs", "1", "--epochs", "1", "--out",
        out.toString()), "--nodes must be even, from 4 to 10");
    EndToEndTest.assertNothingLeft(out);
  }

  @Test
  void theDefaultIsThePapersTenNodesAndItsDataUnchanged() {
    Experiment paper = PermutationExperiment.create(30, 3);
    Experiment ten = PermutationExperiment.create(30, 10, 3);
    assertEquals("Experiment 1: permutation-invariant graph classification (S_10)", paper.title());
    assertEquals(10, paper.dataStats().get("nodes"));
    assertEquals(3628800L, paper.architecture().group().order());
    assertArrayEquals(paper.data().inputs(), ten.data().inputs());
    assertArrayEquals(paper.data().targets(), ten.data().targets());
    assertEquals(new PermCommand().nodes, PermutationExperiment.NODES);
  }

  @Test
  void sixNodesGiveSSixOnTwoClustersOfThree() {
    Experiment exp = PermutationExperiment.create(200, 6, 1);
    assertEquals("Experiment 1: permutation-invariant graph classification (S_6)", exp.title());
    assertEquals(720L, exp.architecture().group().order());
    assertEquals(720, exp.architecture().group().elements().size());
    assertEquals(36, exp.data().inputDim());
    assertEquals(6, exp.dataStats().get("nodes"));
    // Every graph is a symmetric 0/1 matrix without self-loops, labelled by connectivity.
    float[] x = exp.data().inputs();
    double connected = 0;
    for (int g = 0; g < 200; g++) {
      int base = g * 36;
      for (int i = 0; i < 6; i++) {
        assertEquals(0f, x[base + i * 6 + i]);
        for (int j = 0; j < 6; j++) {
          assertEquals(x[base + i * 6 + j], x[base + j * 6 + i]);
        }
      }
      assertEquals(BlockErdosRenyi.connected(x, base, 6) ? 1f : 0f, exp.data().targets()[g]);
      connected += exp.data().targets()[g];
    }
    assertEquals(connected / 200, (double) exp.dataStats().get("fraction_connected"), 1e-12);
    assertThrows(UsageException.class, () -> PermutationExperiment.create(10, 9, 1));
  }

  @Test
  void aRunOnSixNodesRecordsThemAndResumingWithOtherNodesIsRefused() throws IOException {
    Path out = tmp.resolve("six");
    CliTest.Result r = CliTest.run("perm", "--nodes", "6", "--runs", "1", "--epochs", "1", "--naug", "2",
        "--samples", "60", "-q", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("(S_6)"), r.out());
    Map<?, ?> cfg = (Map<?, ?>) Json.read(Files.readString(out.resolve("config.json")));
    assertEquals(6, ((Number) ((Map<?, ?>) cfg.get("data")).get("nodes")).intValue());
    EndToEndTest.assertOneLineError(CliTest.run("perm", "--nodes", "8", "--runs", "1", "--epochs", "1", "--naug",
        "2", "--samples", "60", "-q", "--out", out.toString(), "--resume"), "nodes");
  }
}
