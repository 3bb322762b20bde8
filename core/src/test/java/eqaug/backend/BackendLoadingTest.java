package eqaug.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device module compiled for a newer Java is skipped with a line that names the Java it needs. */
class BackendLoadingTest {
  @TempDir
  Path tmp;

  @Test
  void aProviderForANewerJavaIsReportedAsNeedingThatJava() throws Exception {
    // A provider whose class file claims a release two above this JVM's: loading it fails the version check.
    int release = Runtime.version().feature() + 2;
    Path classes = tmp.resolve("classes");
    Files.createDirectories(classes.resolve("eqaug/future"));
    Files.createDirectories(classes.resolve("META-INF/services"));
    byte[] header = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, (byte) (release + 44), 0, 0};
    Files.write(classes.resolve("eqaug/future/GpuBackend.class"), header);
    Files.writeString(classes.resolve("META-INF/services/" + Backend.class.getName()), "eqaug.future.GpuBackend\n");
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(loader);
      List<String> why = Backend.unloadable();
      assertEquals(List.of("the GPU path (--device opencl) needs Java " + release + "+; this is Java "
          + Runtime.version().feature()), why.stream().filter(w -> w.contains("needs Java")).toList(), why.toString());
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> Backend.find("opencl"));
      assertTrue(e.getMessage().contains("needs Java " + release), e.getMessage());
      assertTrue(Backend.available().stream().anyMatch(b -> b.name().equals("cpu")), "the CPU still loads");
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }
}
