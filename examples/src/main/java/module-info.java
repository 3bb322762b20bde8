/** eqaug used as a library: needs the core module alone (which brings in jdk.incubator.vector). */
module eqaug.examples {
  // Its public methods take and return core types, so a module reading this one reads core too.
  requires transitive eqaug.core;

  exports eqaug.examples;
}
