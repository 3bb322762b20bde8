package eqaug.apps;

/** Bad input from the user (an option, a file, a data set): reported in one line, exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
