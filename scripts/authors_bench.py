"""Times the authors' Experiment 1 (eq_aug_dyn, permutations) per epoch and strategy, on the CPU.

Called by scripts/authors-bench, which resolves the checkout and the Python. Their training code runs
unchanged: we build the models and loaders as their train_permutation.py does, but with device='cpu'
(the argument their constructors take), call their opt_utils.cluster_epoch, and time its parts by
replacing opt_utils' module-level functions with timing wrappers that call the originals.

One cluster_epoch is one full-batch gradient step of each model. A strategy's epoch time is its training
call plus its share of the distance metrics cluster_epoch computes after every step:
  NOMINAL      augmentedSGD_epoch(nonaugmodel, non_loader, L=1, identity) + layer_equivariance(nonaugmodel)
  AUGMENTED    augmentedSGD_epoch(augmodel, loader, L=N_aug, permuteAdj) + layer_equivariance(augmodel)
               + tracker.change(augmodel) twice (their NOMINAL distance is read from augmodel too)
  EQUIVARIANT  restrictedSGD_epoch(eqmodel, loader) (passes, project_grads, step)
               + layer_equivariance(eqmodel) + tracker.change(eqmodel)
A training call includes reading every graph from disk (adMat.__getitem__, two np.load each; reported
apart as data loading), collation, forward, BCE, backward and the SGD step. Not in any strategy: the
train()/eval() switches and the appends to their three result files (reported as unattributed).
"""
import argparse
import ctypes
import importlib.util
import json
import os
import random
import statistics
import sys
import time
import types

STRATEGIES = ("NOMINAL", "AUGMENTED", "EQUIVARIANT")


def fail(msg):
    print("authors-bench: " + msg, file=sys.stderr)
    sys.exit(2)


class _OneLineParser(argparse.ArgumentParser):
    """A bad option is one line naming it, exit 2 (argparse's default prints the whole usage first)."""

    def error(self, message):
        sys.stderr.write("authors-bench: " + message + "\n")
        sys.exit(2)


def parse_args():
    p = _OneLineParser(prog="authors-bench")
    p.add_argument("--repo-dir", required=True, help="checkout of usinedepain/eq_aug_dyn")
    p.add_argument("--workdir", required=True, help="where their cluster_epoch writes its result files")
    p.add_argument("--commit", default="", help="commit of the checkout, for the record")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--epochs", type=int, default=5, help="timed epochs")
    p.add_argument("--warmup", type=int, default=1, help="untimed epochs before them")
    p.add_argument("--naug", type=int, default=25)
    p.add_argument("--lr", type=float, default=1e-5, help="the paper's; their script has 1e-4")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    if a.threads < 1 or a.epochs < 1 or a.warmup < 0 or a.naug < 1:
        fail("--threads, --epochs and --naug must be >= 1, --warmup >= 0")
    return a


def load_datasets_module(repo, notes):
    """Imports their datasets.py, which HEAD (470c6971) cannot import as committed.

    It imports torchvision at the top (used only for MNIST, not by Experiment 1), and it holds two
    unresolved merge-conflict hunks in class Rotate (a SyntaxError). Both are worked around in memory:
    a stub torchvision if none is installed, and the first side of each conflict hunk. The file on
    disk is not touched, and nothing of adMat or identity (what Experiment 1 uses) is changed.
    """
    if importlib.util.find_spec("torchvision") is None:
        tv = types.ModuleType("torchvision")
        tvd = types.ModuleType("torchvision.datasets")
        tvt = types.ModuleType("torchvision.transforms")

        class MNIST:  # only get_MNIST_loader uses it, which Experiment 1 never calls
            def __init__(self, *a, **k):
                raise RuntimeError("authors-bench: torchvision stub, MNIST not available")

        tvd.MNIST = MNIST
        tv.datasets, tv.transforms = tvd, tvt
        sys.modules.update({"torchvision": tv, "torchvision.datasets": tvd, "torchvision.transforms": tvt})
        notes.append("torchvision not installed: stubbed (datasets.py imports it for MNIST only)")

    path = os.path.join(repo, "datasets.py")
    with open(path) as f:
        src = f.read()
    if "\n<<<<<<< " in src:
        kept, side = [], None
        for line in src.splitlines(keepends=True):
            if line.startswith("<<<<<<< "):
                side = "ours"
            elif line.startswith("=======") and side == "ours":
                side = "theirs"
            elif line.startswith(">>>>>>> ") and side == "theirs":
                side = None
            elif side != "theirs":
                kept.append(line)
        src = "".join(kept)
        notes.append("datasets.py has unresolved merge-conflict markers (class Rotate, unused here): "
                     "imported with the first side of each hunk, in memory")
    mod = types.ModuleType("datasets")
    mod.__file__ = path
    sys.modules["datasets"] = mod
    exec(compile(src, path, "exec"), mod.__dict__)
    return mod


def blas_library(threads):
    """Path of the BLAS that torch loaded; an OpenBLAS is held to `threads` threads as torch's own pool is.

    Debian's torch (BLAS_INFO=generic) calls sgemm_ of whatever libblas.so.3 the loader finds, which is
    the netlib reference BLAS unless another is installed or given by --blas, and its matrix products
    dominate their epoch; so the record says which one ran. torch.set_num_threads does not reach
    OpenBLAS's own pool.
    """
    paths = []
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            base = os.path.basename(path)
            if "blas" in base and base.startswith("lib") and path not in paths:
                paths.append(path)
    for path in paths:
        if "openblas" in os.path.basename(path):
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads(ctypes.c_int(threads))
            return "%s (%d threads)" % (path, lib.openblas_get_num_threads())
    return ", ".join(paths) or "none found in /proc/self/maps"


def main():
    a = parse_args()
    try:
        import numpy as np
        import torch
    except ImportError as e:
        fail("this Python has no torch/numpy (%s): %s" % (e.name, sys.executable))

    repo = os.path.abspath(a.repo_dir)
    data_dir = os.path.join(repo, "stoch_block")
    for need in ("models.py", "opt_utils.py", "datasets.py", "stoch_block/graphmat999.npy",
                 "stoch_block/graphlabel999.npy"):
        if not os.path.exists(os.path.join(repo, need)):
            fail("%s is not a checkout of eq_aug_dyn (no %s)" % (repo, need))

    torch.set_num_threads(a.threads)
    blas = blas_library(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    random.seed(a.seed)

    notes = []
    sys.path.insert(0, repo)
    datasets = load_datasets_module(repo, notes)
    import models
    import opt_utils

    # The setup of their train_permutation.py (which itself does not parse: its first line reads
    # 'sfrom datasets import ...'), with device 'cpu' where it passes 'cuda'.
    dev = "cpu"
    eqmodel = models.PermutationAdjNet(ns=[1, 32], n=10, device=dev, fully_connected=True, ms=[64, 32])
    eqmodel.to(dev)
    eqmodel.project_layers()
    tracker = opt_utils.ParameterTracker(eqmodel)
    augmodel = eqmodel.copy()
    nonaugmodel = eqmodel.copy()
    permer = datasets.adMat(directory=data_dir, device=dev, aug=True, nbr_samples=1000, n=5)
    nonpermer = datasets.adMat(directory=data_dir, device=dev, aug=False, nbr_samples=1000, n=5)
    config = {
        "eqmodel": eqmodel, "augmodel": augmodel, "nonaugmodel": nonaugmodel,
        "loader": torch.utils.data.DataLoader(permer, batch_size=200),
        "non_loader": torch.utils.data.DataLoader(nonpermer, batch_size=200),
        "tracker": tracker, "lr": a.lr, "name": a.workdir, "augnumber": a.naug,
        "transformation": permer.permuteAdj, "label_transformation": datasets.identity,
        "loss": torch.nn.BCELoss(reduction="mean"),
    }
    strategy_of = {id(nonaugmodel): "NOMINAL", id(augmodel): "AUGMENTED", id(eqmodel): "EQUIVARIANT"}

    # Per epoch: seconds per (strategy, part). 'current' lets the data-loading timer know whose pass it is.
    acc = {}
    current = [None]

    def add(strategy, part, dt):
        acc[(strategy, part)] = acc.get((strategy, part), 0.0) + dt

    def timed(fn, part):
        def wrapper(model, *args, **kw):
            s = strategy_of[id(model)]
            current[0] = s
            t0 = time.perf_counter()
            try:
                return fn(model, *args, **kw)
            finally:
                add(s, part, time.perf_counter() - t0)
                current[0] = None
        return wrapper

    # cluster_epoch looks these up as opt_utils globals at call time, so replacing them there suffices.
    opt_utils.restrictedSGD_epoch = timed(opt_utils.restrictedSGD_epoch, "train")
    opt_utils.augmentedSGD_epoch = timed(opt_utils.augmentedSGD_epoch, "train")
    opt_utils.layer_equivariance = timed(opt_utils.layer_equivariance, "metrics")
    change = opt_utils.ParameterTracker.change
    opt_utils.ParameterTracker.change = lambda self, model: timed(lambda m: change(self, m), "metrics")(model)

    getitem = datasets.adMat.__getitem__

    def timed_getitem(self, index):
        t0 = time.perf_counter()
        try:
            return getitem(self, index)
        finally:
            add(current[0], "data_loading", time.perf_counter() - t0)

    datasets.adMat.__getitem__ = timed_getitem

    if torch.cuda.is_available():
        notes.append("a CUDA device exists, but everything was built with device='cpu'")

    per_epoch = {s: [] for s in STRATEGIES}
    parts = {s: {"train": [], "data_loading": [], "metrics": []} for s in STRATEGIES}
    whole, rest = [], []
    for epoch in range(a.warmup + a.epochs):
        acc.clear()
        t0 = time.perf_counter()
        opt_utils.cluster_epoch(config)
        total = time.perf_counter() - t0
        if epoch < a.warmup:
            continue
        whole.append(total)
        attributed = 0.0
        for s in STRATEGIES:
            tr, me = acc.get((s, "train"), 0.0), acc.get((s, "metrics"), 0.0)
            per_epoch[s].append(tr + me)
            parts[s]["train"].append(tr)
            parts[s]["metrics"].append(me)
            parts[s]["data_loading"].append(acc.get((s, "data_loading"), 0.0))
            attributed += tr + me
        rest.append(total - attributed)

    med = {s: statistics.median(v) for s, v in per_epoch.items()}
    if a.json:
        print(json.dumps({
            "median_s": med,
            "epoch_s": per_epoch,
            "parts_median_s": {s: {k: statistics.median(v) for k, v in d.items()} for s, d in parts.items()},
            "cluster_epoch_s": whole,
            "unattributed_s": rest,
            "torch": torch.__version__,
            "blas": blas,
            "threads": torch.get_num_threads(),
            "epochs": a.epochs, "warmup": a.warmup, "naug": a.naug, "lr": a.lr, "seed": a.seed,
            "commit": a.commit, "notes": notes,
        }))
        return
    print("authors' Experiment 1 on CPU: torch %s, %d thread(s), N_aug %d, %d timed epoch(s) after %d warm-up"
          % (torch.__version__, torch.get_num_threads(), a.naug, a.epochs, a.warmup)
          + (", commit " + a.commit[:8] if a.commit else ""))
    print("BLAS: " + blas)
    for n in notes:
        print("note: " + n)
    print("%-12s %10s %10s %10s %12s" % ("strategy", "s/epoch", "train", "metrics", "(data load)"))
    for s in STRATEGIES:
        pm = {k: statistics.median(v) for k, v in parts[s].items()}
        print("%-12s %10.3f %10.3f %10.3f %12.3f" % (s, med[s], pm["train"], pm["metrics"], pm["data_loading"]))
    print("medians; 'data load' (their adMat.__getitem__, np.load per sample) is part of 'train'; "
          "result-file writes not included: %.4f s/epoch" % statistics.median(rest))


if __name__ == "__main__":
    main()
