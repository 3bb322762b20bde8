package eqaug.apps.cli;

import eqaug.apps.experiments.Experiment;
import eqaug.apps.results.Json;
import eqaug.apps.experiments.MemoryBudget;
import eqaug.apps.results.PriorResults;
import eqaug.apps.experiments.UsageException;
import eqaug.apps.results.SavedParameters;
import eqaug.apps.experiments.Protocol;
import eqaug.apps.report.Report;
import eqaug.apps.results.ResultsFolder;
import eqaug.apps.results.RunInfo;
import eqaug.apps.report.Summary;
import eqaug.backend.Backend;
import eqaug.nn.ParameterLayout;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import eqaug.apps.results.WorkUnits;
import eqaug.study.Study;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "The main job: all three experiments, Figure 1 and a report, in one folder.",
        "Writes per experiment metrics.csv, config.json and Figure 1 (figure.png, figure.svg), and report.md,",
        "which checks the paper's two expectations against the runs.",
        "Scales: quick (default, about 5 minutes on 2 cores): " + ReproduceCommand.QUICK_NOTE,
        "        paper: 30 runs, 50 epochs, N_aug 25 on 1000 graphs, 10000 digits, 3000 shapes.",
        "Options that set a protocol (--runs, --epochs, ...) apply to all three experiments."})
final class ReproduceCommand implements Callable<Integer> {
  static final String QUICK_NOTE = "perm " + PermCommand.QUICK + "; trans " + TransCommand.QUICK + "; rot " + RotCommand.QUICK + ".";

  @Mixin
  ExperimentOptions options = new ExperimentOptions();

  @Option(names = "--dataset", paramLabel = "mnist|fashion", description = "Images of Experiment 2 (default: ${DEFAULT-VALUE}).")
  String dataset = "mnist";

  @Option(names = "--mnist", paramLabel = "DIR", description = "Folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].")
  Path mnist;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PermCommand perm = new PermCommand();
    TransCommand trans = new TransCommand();
    trans.dataset = dataset;
    trans.mnist = mnist;
    RotCommand rot = new RotCommand();
    List<ExperimentCommand> commands = List.of(perm, trans, rot);
    List<Protocol> protocols = new ArrayList<>();
    for (ExperimentCommand c : commands) {
      protocols.add(ExperimentCommand.protocol(c.defaults(options.scale), options));
    }
    if (options.augmentBy != null) {
      throw new UsageException("--augment-by does not apply to reproduce (its three experiments have three groups); "
          + "use it with perm, trans or rot");
    }
    if (options.perturbAlong != null) {
      throw new UsageException("--perturb-along does not apply to reproduce (its three experiments have three networks); "
          + "use it with perm, trans or rot");
    }
    if (options.init != null) {
      throw new UsageException("--init does not apply to reproduce (its three experiments have three networks); "
          + "use it with perm, trans or rot");
    }
    if (options.saveParams != null) {
      for (Protocol p : protocols) {
        SavedParameters.parseEpochs(options.saveParams, p.train().epochs()); // 'last' is each experiment's own
      }
    }
    WorkUnits.Shard shard = options.shard();
    if (options.listUnits) {
      if (options.precision() != eqaug.train.Precision.FP32) {
        Main.supporting(options.device, options.precision()); // a job planned at fp64 must not reach a GPU
      }
      List<WorkUnits.Unit> units = new ArrayList<>();
      for (int i = 0; i < commands.size(); i++) {
        Experiment exp = commands.get(i).create(protocols.get(i));
        units.addAll(WorkUnits.of(exp, ExperimentCommand.fitToData(protocols.get(i), exp, options)));
      }
      out.print(WorkUnits.listing(shard == null ? units : WorkUnits.select(units, shard)));
      return 0;
    }
    Backend backend = Main.backend(options.device, options.precision());
    if (shard != null) {
      Shards.refuseOtherCounts(options.out, shard);
      Shards.refuseExisting(Shards.folder(options.out, shard), options.resume);
    } else if (!options.resume) {
      ResultsFolder.refuseUnusable(options.out, "--out");
    }
    // Every data set is made or read before any training or folder, so a data problem costs nothing.
    List<Experiment> experiments = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      experiments.add(commands.get(i).create(protocols.get(i)));
      protocols.set(i, ExperimentCommand.fitToData(protocols.get(i), experiments.get(i), options));
      MemoryBudget.checkTraining(experiments.get(i), protocols.get(i), options.threads(), options.parallelRuns(),
          backend.name().equals("cpu"), options.precision());
    }
    ExperimentSession session = new ExperimentSession(options, backend);
    if (shard != null) {
      return callShard(commands, experiments, protocols, session, shard, out);
    }
    List<Summary> summaries = new ArrayList<>();
    try (ResultsFolder top = options.resume ? ResultsFolder.reopen(options.out, "--out")
        : options.out == null ? ResultsFolder.createDefault("reproduce") : ResultsFolder.open(options.out, "--out")) {
      // With --resume, every experiment's folder is read and checked (under the lock) before any training:
      // finished ones are reported as they are, interrupted ones continued, missing ones run.
      List<PriorResults> priors = new ArrayList<>();
      for (int i = 0; i < experiments.size(); i++) {
        Path dir = top.path().resolve(experiments.get(i).name());
        PriorResults prior = options.resume && PriorResults.present(dir)
            ? PriorResults.load(dir, session.expectedConfig(experiments.get(i), protocols.get(i)),
                protocols.get(i).train().epochs())
            : null;
        if (prior != null) {
          prior.verifyInitialNorms(experiments.get(i), protocols.get(i));
        }
        priors.add(prior);
      }
      long work = 0;
      for (int i = 0; i < experiments.size(); i++) {
        PriorResults prior = priors.get(i);
        if (prior == null || !prior.complete(protocols.get(i).runs())) {
          work += ExperimentCommand.remainingWork(experiments.get(i), protocols.get(i), prior);
        }
      }
      Instant started = Instant.now();
      long t0 = System.nanoTime();
      List<Report.Section> sections = new ArrayList<>();
      try (Progress progress = new Progress("reproduce", Math.max(1, work), System.err, options.quiet);
           ResumeHint hint = new ResumeHint(top.path(), "eqaug reproduce", System.err)) {
        for (int i = 0; i < experiments.size(); i++) {
          Experiment exp = experiments.get(i);
          ExperimentCommand c = commands.get(i);
          PriorResults prior = priors.get(i);
          long s0 = System.nanoTime();
          ExperimentSession.Result r;
          double seconds;
          if (prior != null && prior.complete(protocols.get(i).runs())) {
            out.println(exp.title() + ": complete in " + prior.dir + ", kept as it is");
            r = ExperimentSession.Result.of(prior.asOutcome());
            seconds = prior.wallSeconds;
          } else {
            try (ResultsFolder sub = prior != null ? ResultsFolder.reopen(prior.dir, "results folder")
                : ResultsFolder.open(top.path().resolve(exp.name()), "results folder")) {
              if (prior != null) {
                out.println(prior.resuming(protocols.get(i).runs()));
              }
              r = session.run(exp, protocols.get(i), sub, progress, out, c.zoomPanel(), prior);
            } catch (RuntimeException | Error e) {
              if (sections.isEmpty() && priors.stream().allMatch(p -> p == null)) {
                top.discardIfEmpty(); // nothing finished anywhere: no folder left to block the retry
              }
              throw e;
            }
            seconds = (prior == null ? 0 : prior.wallSeconds) + (System.nanoTime() - s0) / 1e9;
          }
          ParameterLayout layout = ParameterLayout.of(exp.architecture());
          double norm = r.outcome().initialNorms.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          sections.add(new Report.Section(exp.name(), exp.title(), protocols.get(i), exp.data().size(),
              layout.linearSize(), layout.equivariantDim(), r.table(), norm, seconds, c.zoomPanel(), exp.dataStats()));
          summaries.add(r.summary());
          writeTop(top, sections, started, (System.nanoTime() - t0) / 1e9, i + 1 == experiments.size());
        }
      }
      for (int i = 0; i < experiments.size(); i++) {
        summaries.get(i).print(out, experiments.get(i).title());
      }
      out.println();
      out.println("Report: " + top.path().resolve("report.md"));
    }
    return 0;
  }
  /**
   * One shard of a reproduction: the shard's units of all three experiments (split together, by cost) trained into
   * DIR/shards/i-of-n/&lt;experiment&gt;, an experiment without units of this shard getting no folder.
   */
  private int callShard(List<ExperimentCommand> commands, List<Experiment> experiments, List<Protocol> protocols,
      ExperimentSession session, WorkUnits.Shard shard, PrintStream out) {
    List<WorkUnits.Unit> all = new ArrayList<>();
    for (int i = 0; i < experiments.size(); i++) {
      all.addAll(WorkUnits.of(experiments.get(i), protocols.get(i)));
    }
    List<WorkUnits.Unit> units = WorkUnits.select(all, shard);
    Path dir = Shards.folder(options.out, shard);
    try (ResultsFolder top = options.resume ? ResultsFolder.reopen(dir, "--out") : ResultsFolder.open(dir, "--out")) {
      List<PriorResults> priors = new ArrayList<>();
      List<List<Study.PartId>> selections = new ArrayList<>();
      long work = 0;
      for (int i = 0; i < experiments.size(); i++) {
        Experiment exp = experiments.get(i);
        List<Study.PartId> selection = units.stream().filter(u -> u.experiment().equals(exp.name()))
            .map(WorkUnits.Unit::part).toList();
        selections.add(selection);
        Path sub = dir.resolve(exp.name());
        PriorResults prior = options.resume && !selection.isEmpty() && PriorResults.present(sub)
            ? PriorResults.load(sub, session.expectedConfig(exp, protocols.get(i), shard),
                protocols.get(i).train().epochs(), selection)
            : null;
        if (prior != null) {
          prior.verifyInitialNorms(exp, protocols.get(i));
        }
        priors.add(prior);
        for (WorkUnits.Unit u : units) {
          if (u.experiment().equals(exp.name()) && (prior == null || prior.parts.stream()
              .noneMatch(p -> p.run() == u.run() && p.strategy() == u.strategy()))) {
            work += u.mflop();
          }
        }
      }
      String started = Instant.now().toString();
      double before = Shards.priorSeconds(dir, options.resume);
      Shards.writeManifest(top, "reproduce", shard, units, options.threads(), started, before, "running");
      long t0 = System.nanoTime();
      try (Progress progress = new Progress("reproduce " + shard, Math.max(1, work), System.err, options.quiet);
           ResumeHint hint = new ResumeHint(options.out, "eqaug reproduce", System.err)) {
        for (int i = 0; i < experiments.size(); i++) {
          Experiment exp = experiments.get(i);
          PriorResults prior = priors.get(i);
          if (selections.get(i).isEmpty()) {
            continue;
          }
          if (prior != null && prior.complete(protocols.get(i).runs())) {
            out.println(exp.title() + ": this shard's part complete in " + prior.dir + ", kept as it is");
            continue;
          }
          try (ResultsFolder sub = prior != null ? ResultsFolder.reopen(prior.dir, "results folder")
              : ResultsFolder.open(dir.resolve(exp.name()), "results folder")) {
            if (prior != null) {
              out.println(prior.resuming(protocols.get(i).runs()));
            }
            session.run(exp, protocols.get(i), sub, progress, out, commands.get(i).zoomPanel(), prior, shard,
                selections.get(i));
          }
        }
      }
      Shards.writeManifest(top, "reproduce", shard, units, options.threads(), started,
          before + (System.nanoTime() - t0) / 1e9, "complete");
      out.println("Shard " + shard + " of reproduce: " + units.size() + " units in " + dir
          + "; when every shard is done: eqaug merge " + options.out);
    }
    return 0;
  }

  /** report.md and the top config.json, rewritten after every experiment so finished work is always reported. */
  private void writeTop(ResultsFolder top, List<Report.Section> sections, Instant started, double wall, boolean complete) {
    writeTop(top, sections, started.toString(), wall, complete, options.scale, options.threads(), options.device,
        options.precision(), options.seed, null);
  }

  /** What each section's protocol changed from its command's defaults at this scale, e.g. "perm: epochs 5". */
  static List<String> changedFromDefaults(List<Report.Section> sections, ExperimentOptions.Scale scale) {
    List<String> out = new ArrayList<>();
    for (Report.Section s : sections) {
      ExperimentCommand c = switch (s.name()) {
        case "perm" -> new PermCommand();
        case "trans" -> new TransCommand();
        case "rot" -> new RotCommand();
        default -> null;
      };
      if (c == null) {
        continue;
      }
      Protocol d = c.defaults(scale);
      Protocol p = s.protocol();
      List<String> diff = new ArrayList<>();
      if (p.runs() != d.runs()) {
        diff.add("runs " + p.runs());
      }
      if (s.samples() != d.samples()) {
        diff.add("samples " + s.samples());
      }
      if (p.train().epochs() != d.train().epochs()) {
        diff.add("epochs " + p.train().epochs());
      }
      if (p.train().exactAugmentation() || p.train().naug() != d.train().naug()) {
        diff.add("N_aug " + (p.train().exactAugmentation() ? "all" : String.valueOf(p.train().naug())));
      }
      if (p.train().lr() != d.train().lr()) {
        diff.add("lr " + p.train().lr());
      }
      if (p.train().batch() != d.train().batch()) {
        diff.add("batch " + p.train().batch());
      }
      if (p.train().penalty() != 0) {
        diff.add("penalty " + p.train().penalty());
      }
      if (p.perturbation() != null) {
        diff.add("perturb " + p.perturbation().epsilon());
      }
      if (p.seed() != d.seed()) {
        diff.add("seed " + p.seed());
      }
      if (!diff.isEmpty()) {
        out.add(s.name() + ": " + String.join(", ", diff));
      }
    }
    return out;
  }

  /** The same for given settings; {@code shards} (a merged reproduction's provenance per shard) is recorded when set. */
  static void writeTop(ResultsFolder top, List<Report.Section> sections, String started, double wall, boolean complete,
      ExperimentOptions.Scale scale, int threads, String device, eqaug.train.Precision precision, long seed,
      List<Object> shards) {
    Map<String, Object> machine = RunInfo.describe();
    String note = scale == ExperimentOptions.Scale.quick
        ? "Quick scale, chosen so the whole reproduction finishes within 10 minutes on a 2-core machine: " + QUICK_NOTE
            + " The paper's protocol (`--scale paper`) is 30 runs of 50 epochs with N_aug 25 on the full data sets; "
            + "the quick runs show the same qualitative picture with smaller distances."
        : "Paper scale: 30 runs, 50 epochs, N_aug 25, lr 1e-5, on the full data sets (App. C).";
    List<String> changed = changedFromDefaults(sections, scale);
    if (!changed.isEmpty()) {
      note += " **Options changed these defaults** (" + String.join("; ", changed) + "): the table below gives the "
          + "protocol actually run, and the verdicts are about it.";
    }
    if (!complete) {
      note += " **This reproduction is still running or was interrupted: only the experiments below have finished.**";
    }
    ExperimentSession.write(top, "report.md", Report.markdown(scale.name(), note, sections, machine, threads, wall,
        precision));
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("command", "reproduce");
    cfg.put("status", complete ? "complete" : "partial");
    cfg.put("started", started);
    cfg.put("scale", scale.name());
    cfg.put("seed", seed);
    cfg.put("threads", threads);
    cfg.put("device", device);
    cfg.put("precision", precision.label());
    cfg.put("wall_seconds", wall);
    cfg.put("experiments", sections.stream().map(Report.Section::name).toList());
    cfg.put("versions", machine);
    if (shards != null) {
      cfg.put("shards", shards);
    }
    ExperimentSession.write(top, "config.json", Json.write(cfg));
  }
}
