package eqaug.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * core's module-info: the build runs these tests in module mode, so the descriptor is the one users get.
 * A package added to core without an export, or a new dependency, fails here rather than in a user's build.
 */
class ModuleDescriptorTest {
  private static ModuleDescriptor descriptor() {
    Module m = Backend.class.getModule();
    assertTrue(m.isNamed(), "core's tests should run on the module path (surefire's module mode)");
    return m.getDescriptor();
  }

  @Test
  void coreRequiresTheVectorApiAndNothingElse() {
    ModuleDescriptor d = descriptor();
    assertEquals("eqaug.core", d.name());
    Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("java.base", "jdk.incubator.vector"), requires);
  }

  @Test
  void everyPackageWithClassesIsExportedUnqualified() {
    ModuleDescriptor d = descriptor();
    // Test classes are patched into the module, so packages holding only resources or tests would show up too;
    // core has none, and every one of its packages is API.
    Set<String> exported = d.exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    Set<String> packages = new TreeSet<>(Backend.class.getModule().getPackages());
    packages.removeIf(p -> p.startsWith("META-INF"));
    assertEquals(packages, exported);
  }

  @Test
  void theCpuBackendIsFoundThroughTheModulesServiceDeclaration() {
    ModuleDescriptor d = descriptor();
    assertTrue(d.uses().contains(Backend.class.getName()));
    ModuleDescriptor.Provides p = d.provides().stream().filter(x -> x.service().equals(Backend.class.getName()))
        .findFirst().orElseThrow();
    assertEquals(java.util.List.of(CpuBackend.class.getName()), p.providers());
    assertTrue(Backend.available().stream().anyMatch(b -> b instanceof CpuBackend));
  }
}
