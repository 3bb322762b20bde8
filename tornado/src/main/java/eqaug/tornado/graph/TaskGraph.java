package eqaug.tornado.graph;

import eqaug.tornado.cl.ClBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A graph of device work in TornadoVM's model: host-to-device transfers, kernel tasks and device-to-host
 * transfers, in the order they are added, each transfer running once or on every execution. A graph is
 * built, frozen by {@link #snapshot()} into an {@link ImmutableTaskGraph}, and run by an {@link ExecutionPlan}.
 * Tasks read their scalar arguments when they run, so one frozen graph serves every step of a pass.
 */
public final class TaskGraph {
  /** One entry of a graph: what it does when the plan runs it, and when. */
  public record Action(String name, DataTransferMode mode, Runnable work) {}

  private final String name;
  private final List<Action> actions = new ArrayList<>();

  public TaskGraph(String name) {
    this.name = name;
  }

  /** Copies the supplied host array to the buffer (blocking write). */
  public TaskGraph transferToDevice(DataTransferMode mode, ClBuffer buffer, Supplier<float[]> host) {
    actions.add(new Action("copy-in " + buffer.name(), mode, () -> buffer.write(host.get())));
    return this;
  }

  /** Copies the supplied host int array to the buffer (blocking write). */
  public TaskGraph transferIntsToDevice(DataTransferMode mode, ClBuffer buffer, Supplier<int[]> host) {
    actions.add(new Action("copy-in " + buffer.name(), mode, () -> buffer.write(host.get())));
    return this;
  }

  /** A kernel task: {@code enqueue} sets the kernel's arguments and launches it (asynchronously, in order). */
  public TaskGraph task(String taskName, Runnable enqueue) {
    actions.add(new Action(taskName, DataTransferMode.EVERY_EXECUTION, enqueue));
    return this;
  }

  /** Reads the buffer's first {@code len} values into a fresh array handed to {@code sink} (blocking read). */
  public TaskGraph transferToHost(DataTransferMode mode, ClBuffer buffer, int len, Consumer<double[]> sink) {
    actions.add(new Action("copy-out " + buffer.name(), mode, () -> sink.accept(buffer.readDoubles(0, len))));
    return this;
  }

  /** Reads float values of the buffer into a fresh array handed to {@code sink} (blocking read). */
  public TaskGraph transferFloatsToHost(DataTransferMode mode, ClBuffer buffer, int len, Consumer<float[]> sink) {
    actions.add(new Action("copy-out " + buffer.name(), mode, () -> sink.accept(buffer.readFloats(0, len))));
    return this;
  }

  /** The graph as it is now, immutable. */
  public ImmutableTaskGraph snapshot() {
    return new ImmutableTaskGraph(name, List.copyOf(actions));
  }
}
