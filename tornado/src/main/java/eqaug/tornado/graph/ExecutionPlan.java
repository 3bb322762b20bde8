package eqaug.tornado.graph;

import eqaug.tornado.cl.ClContext;

/**
 * Runs an {@link ImmutableTaskGraph} on a context's queue, as TornadoVM's execution plan does: the first
 * execution runs every action, later ones skip the FIRST_EXECUTION transfers. Kernel tasks are queued
 * asynchronously; {@link #execute()} returns once the queue has drained.
 */
public final class ExecutionPlan {
  private final ClContext context;
  private final ImmutableTaskGraph graph;
  private long executions;

  public ExecutionPlan(ClContext context, ImmutableTaskGraph graph) {
    this.context = context;
    this.graph = graph;
  }

  /** Queues one execution and waits for it (clFinish). */
  public ExecutionPlan execute() {
    enqueue();
    context.finish();
    return this;
  }

  /** Queues one execution without waiting (blocking transfers in it still wait for what precedes them). */
  public ExecutionPlan enqueue() {
    boolean first = executions == 0;
    for (TaskGraph.Action a : graph.actions()) {
      if (first || a.mode() == DataTransferMode.EVERY_EXECUTION) {
        try {
          a.work().run();
        } catch (RuntimeException e) {
          throw new IllegalStateException("task graph " + graph.name() + ", task " + a.name() + ": " + e.getMessage(), e);
        }
      }
    }
    executions++;
    return this;
  }

  public long executions() {
    return executions;
  }

  public ImmutableTaskGraph graph() {
    return graph;
  }
}
