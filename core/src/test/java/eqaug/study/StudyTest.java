package eqaug.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eqaug.backend.CpuBackend;
import eqaug.data.BlockErdosRenyi;
import eqaug.data.Dataset;
import eqaug.kernel.VectorKernels;
import eqaug.nn.Architecture;
import eqaug.nn.Network;
import eqaug.nn.PaperNetworks;
import eqaug.nn.ParameterLayout;
import eqaug.train.EpochRecord;
import eqaug.train.RandomStreams;
import eqaug.train.RunOutcome;
import eqaug.train.Strategy;
import eqaug.train.TrainConfig;
import eqaug.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A study is the runs x strategies of §5 as a pure function of its seed: its parts are what the trainer gives
 * for each run's A^0 and draw stream, whatever runs at once; committed in (run, strategy) order; and a study
 * resumed from any prefix of its parts ends with the same results as one trained through.
 */
class StudyTest {
  private static final int N = 5;
  private static final TrainConfig CFG = new TrainConfig(3, 0.05, 10, 2);
  private static final long SEED = 17;

  private static Study study(int runs) {
    Architecture arch = PaperNetworks.permutation(N);
    Dataset data = BlockErdosRenyi.generate(30, N, 0.7, 0.2, new RandomStreams(SEED).data());
    return new Study(arch, data, CFG, runs, SEED);
  }

  private static Study.Execution cpu(int parallelRuns) {
    return new Study.Execution(new CpuBackend(), 1, parallelRuns);
  }

  private static void assertSameRecords(List<EpochRecord> expected, List<EpochRecord> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": records");
    for (int i = 0; i < expected.size(); i++) {
      EpochRecord e = expected.get(i);
      EpochRecord a = actual.get(i);
      String where = what + " record " + i;
      assertEquals(e.run(), a.run(), where);
      assertEquals(e.strategy(), a.strategy(), where);
      assertEquals(e.epoch(), a.epoch(), where);
      assertEquals(e.loss(), a.loss(), 0, where);
      assertEquals(e.accuracy(), a.accuracy(), 0, where);
      assertArrayEquals(e.distInit(), a.distInit(), 0, where);
      assertArrayEquals(e.distE(), a.distE(), 0, where);
    }
  }

  @Test
  void partsAreTheTrainersRunsFromEachRunsStreams() {
    Study study = study(2);
    StudyResults r = study.run(cpu(1), StudyListener.NONE);
    assertTrue(r.complete());
    assertEquals(6, r.parts().size());
    try (VectorKernels k = new VectorKernels(1)) {
      Trainer trainer = new Trainer(new Network(study.architecture(), k, Trainer.rowsPerStep(CFG, 30)),
          study.data(), CFG);
      RandomStreams streams = new RandomStreams(SEED);
      for (int run = 0; run < 2; run++) {
        float[] a0 = study.initialParameters(run);
        assertEquals(Study.linearNorm(ParameterLayout.of(study.architecture()), a0), r.initialNorms().get(run), 0);
        for (Strategy s : Study.ALL_STRATEGIES) {
          List<EpochRecord> direct = new ArrayList<>();
          RunOutcome o = trainer.run(run, s, a0, streams.augment(run), direct::add);
          assertSameRecords(direct, r.part(run, s).records(), "run " + run + " " + s);
          assertArrayEquals(o.finalParameters(), r.part(run, s).outcome().finalParameters(), 0);
          assertEquals(CFG.epochs() + 1, direct.size());
        }
      }
    }
    // The runs start from different A^0 and end differently.
    assertNotEquals(r.initialNorms().get(0), r.initialNorms().get(1));
    assertEquals(r.record(1, Strategy.NOMINAL, 0).loss(), r.part(1, Strategy.NOMINAL).records().get(0).loss(), 0);
    assertThrows(IllegalArgumentException.class, () -> r.record(0, Strategy.NOMINAL, CFG.epochs() + 1));
  }

  @Test
  void severalRunsAtOnceCommitInOrderWithTheSameNumbers() {
    Study study = study(4);
    StudyResults serial = study.run(cpu(1), StudyListener.NONE);
    List<Integer> commitSizes = new ArrayList<>();
    AtomicInteger passes = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    StudyResults parallel = study.run(cpu(3), new StudyListener() {
      @Override
      public void pass(int run, Strategy strategy, boolean withGradient) {
        passes.incrementAndGet();
      }

      @Override
      public void partFinished(StudyResults.Part part) {
        finished.incrementAndGet();
      }

      @Override
      public void committed(StudyResults soFar) {
        List<StudyResults.Part> parts = soFar.parts();
        for (int i = 0; i < parts.size(); i++) {
          assertEquals(i / 3, parts.get(i).run(), "parts are committed in run order");
          assertEquals(Study.ALL_STRATEGIES.get(i % 3), parts.get(i).strategy(), "and strategy order within a run");
        }
        assertEquals((parts.size() + 2) / 3, soFar.initialNorms().size());
        commitSizes.add(parts.size());
      }
    });
    assertSameRecords(serial.records(), parallel.records(), "parallel");
    assertEquals(serial.initialNorms(), parallel.initialNorms());
    assertEquals(12, finished.get());
    // Per run: NOMINAL and EQUIVARIANT one pass per epoch plus the last; AUGMENTED that plus N_aug per epoch.
    assertEquals(4 * (3 * (CFG.epochs() + 1) + CFG.epochs() * CFG.naug()), passes.get());
    assertEquals(12, commitSizes.get(commitSizes.size() - 1));
    for (int i = 1; i < commitSizes.size(); i++) {
      assertTrue(commitSizes.get(i) > commitSizes.get(i - 1), "every commit adds parts");
    }
  }

  @Test
  void aResumedStudyEndsWithTheSameResults() {
    Study study = study(2);
    StudyResults whole = study.run(cpu(1), StudyListener.NONE);
    for (int kept : new int[] {0, 1, 3, 4, 6}) {
      List<StudyResults.Part> prefix = whole.parts().subList(0, kept);
      List<Double> norms = whole.initialNorms().subList(0, (kept + 2) / 3);
      List<Integer> trained = new ArrayList<>();
      List<Integer> firstCommit = new ArrayList<>();
      StudyResults resumed = study.run(cpu(1), new StudyListener() {
        @Override
        public void partStarted(int run, Strategy strategy) {
          trained.add(run * 3 + Study.ALL_STRATEGIES.indexOf(strategy));
        }

        @Override
        public void committed(StudyResults soFar) {
          firstCommit.add(soFar.parts().size());
        }
      }, new Study.Resume(prefix, norms));
      assertSameRecords(whole.records(), resumed.records(), kept + " parts resumed");
      assertEquals(whole.initialNorms(), resumed.initialNorms());
      for (int i = 0; i < trained.size(); i++) {
        assertEquals(kept + i, trained.get(i), "only the parts after the resumed ones are trained");
      }
      assertEquals(6 - kept, trained.size());
      if (kept > 0) {
        assertEquals(kept, firstCommit.get(0), "the resumed parts are committed before any training");
      }
    }
  }

  @Test
  void disjointSelectionsJoinIntoTheWholeStudy() {
    Study study = study(3);
    StudyResults whole = study.run(cpu(1), StudyListener.NONE);
    List<Study.PartId> all = study.parts();
    assertEquals(9, all.size());
    // Two shards of scattered parts, the second with two runs at once and resumed after its first part.
    List<Study.PartId> a = List.of(all.get(1), all.get(2), all.get(6));
    List<Study.PartId> b = new ArrayList<>(all);
    b.removeAll(a);
    StudyResults ra = study.run(cpu(1), StudyListener.NONE, null, a);
    StudyResults first = study.run(cpu(1), StudyListener.NONE, null, b.subList(0, 1));
    List<Integer> trained = new ArrayList<>();
    StudyResults rb = study.run(cpu(2), new StudyListener() {
      @Override
      public void partStarted(int run, Strategy strategy) {
        synchronized (trained) {
          trained.add(run * 3 + Study.ALL_STRATEGIES.indexOf(strategy));
        }
      }
    }, new Study.Resume(first.parts(), first.initialNorms()), b);
    assertEquals(b.size() - 1, trained.size(), "the resumed part is not trained again");
    assertTrue(ra.complete() && rb.complete());
    assertEquals(List.of(whole.initialNorms().get(0), whole.initialNorms().get(2)), ra.initialNorms(),
        "one norm per run the selection touches, in order");
    assertEquals(whole.initialNorms(), rb.initialNorms());
    for (Study.PartId id : all) {
      StudyResults from = a.contains(id) ? ra : rb;
      assertSameRecords(whole.part(id.run(), id.strategy()).records(), from.part(id.run(), id.strategy()).records(),
          id.toString());
    }
    for (int i = 0; i < b.size(); i++) {
      assertEquals(b.get(i), new Study.PartId(rb.parts().get(i).run(), rb.parts().get(i).strategy()),
          "committed in the selection's order");
    }
    assertThrows(IllegalArgumentException.class,
        () -> study.run(cpu(1), StudyListener.NONE, null, List.of(all.get(2), all.get(1))));
    assertThrows(IllegalArgumentException.class,
        () -> study.run(cpu(1), StudyListener.NONE, null, List.of(new Study.PartId(3, Strategy.NOMINAL))));
    assertThrows(IllegalArgumentException.class, () -> study.run(cpu(1), StudyListener.NONE,
        new Study.Resume(whole.parts().subList(0, 1), whole.initialNorms()), a));
  }

  @Test
  void aResumeMustBeAPrefixInOrder() {
    Study study = study(2);
    StudyResults whole = study.run(cpu(1), StudyListener.NONE);
    List<StudyResults.Part> skipped = List.of(whole.parts().get(1));
    assertThrows(IllegalArgumentException.class,
        () -> study.run(cpu(1), StudyListener.NONE, new Study.Resume(skipped, whole.initialNorms())));
    assertThrows(IllegalArgumentException.class,
        () -> study.run(cpu(1), StudyListener.NONE, new Study.Resume(whole.parts().subList(0, 2), List.of())));
  }

  @Test
  void aStudyRefusesDataOfAnotherShape() {
    Architecture arch = PaperNetworks.permutation(N);
    Dataset other = BlockErdosRenyi.generate(10, N + 1, 0.7, 0.2, new RandomStreams(1).data());
    assertThrows(IllegalArgumentException.class, () -> new Study(arch, other, CFG, 1, 1));
    Dataset data = BlockErdosRenyi.generate(10, N, 0.7, 0.2, new RandomStreams(1).data());
    assertThrows(IllegalArgumentException.class, () -> new Study(arch, data, CFG, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new Study(arch, data, CFG, 1, 1, List.of(Strategy.NOMINAL, Strategy.NOMINAL)));
  }

  /** A listener receives A at exactly the epochs it asks for: A^0 at 0, the trained parameters at the last. */
  @Test
  void parametersAtRequestedEpochs() {
    Study st = study(2);
    List<String> seen = new ArrayList<>();
    List<double[]> got = new ArrayList<>();
    StudyResults r = st.run(cpu(1), new StudyListener() {
      @Override
      public boolean wantsParameters(int run, Strategy s, int epoch) {
        return run == 1 && (epoch == 0 || epoch == CFG.epochs());
      }

      @Override
      public void parameters(int run, Strategy s, int epoch, double[] a) {
        seen.add(run + " " + s + " " + epoch);
        got.add(a);
      }
    });
    assertEquals(List.of("1 NOMINAL 0", "1 NOMINAL 3", "1 AUGMENTED 0", "1 AUGMENTED 3", "1 EQUIVARIANT 0",
        "1 EQUIVARIANT 3"), seen);
    float[] a0 = st.initialParameters(1);
    for (int k = 0; k < 3; k++) {
      float[] last = r.parts().get(3 + k).outcome().finalParameters();
      assertEquals(a0.length, got.get(2 * k).length);
      for (int i = 0; i < a0.length; i++) {
        assertEquals(a0[i], got.get(2 * k)[i], 0);
        assertEquals(last[i], got.get(2 * k + 1)[i], 0);
      }
    }
    assertNotEquals(a0[0], (float) got.get(1)[0]);
  }
}
