package eqaug.tornado.graph;

import java.util.List;

/** A frozen {@link TaskGraph}: its name and its actions in order. */
public record ImmutableTaskGraph(String name, List<TaskGraph.Action> actions) {
  public ImmutableTaskGraph {
    actions = List.copyOf(actions);
  }
}
