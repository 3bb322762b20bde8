package eqaug.tornado.graph;

/** When a task graph's transfer runs, as in TornadoVM: on the plan's first execution only, or on every one. */
public enum DataTransferMode {
  FIRST_EXECUTION,
  EVERY_EXECUTION
}
