package eqaug.apps.cli;

import java.io.Console;

/** Whether a person is watching: progress bars only on an interactive terminal, plain lines otherwise. */
final class Terminal {
  private Terminal() {}

  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      // Java 22+ returns a console even when redirected; isTerminal() tells the difference.
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
