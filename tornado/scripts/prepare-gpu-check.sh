#!/usr/bin/env bash
# Prepares everything tornado/scripts/gpu-check.sh needs on a GPU machine without a JDK or network, in one
# folder (default: target/gpu-check): a jlink-ed Java runtime (java.base + jdk.incubator.vector, ~44 MB),
# the shaded apps.jar (with the GPU module), Debian's ICD loader (.deb of ocl-icd-libopencl1, unpacked there
# only if the GPU machine lacks libOpenCL.so.1) and gpu-check.sh itself.
#   jlink: $JDK/bin/jlink --add-modules java.base,java.management,jdk.incubator.vector --strip-debug --no-man-pages \
#          --no-header-files --compress=zip-6 --output runtime
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/target/gpu-check}"
jdk="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
rm -rf "$out"
mkdir -p "$out"
if [ ! -f "$root/apps/target/apps.jar" ] || [ -n "${REBUILD:-}" ]; then
  (cd "$root" && JAVA_HOME="$jdk" mvn -q -o -pl apps -am package -DskipTests)
fi
cp "$root/apps/target/apps.jar" "$out/apps.jar"
"$jdk/bin/jlink" --add-modules java.base,java.management,jdk.incubator.vector --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$out/runtime"
(cd "$out" && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1) || echo "note: apt-get download ocl-icd-libopencl1 failed; gpu-check.sh will need the machine's libOpenCL.so.1" >&2
cp "$here/gpu-check.sh" "$out/gpu-check.sh"
chmod +x "$out/gpu-check.sh"
du -sh "$out/runtime" "$out/apps.jar" "$out"/*.deb 2>/dev/null || true
echo "prepared $out: copy it to the GPU machine and run ./gpu-check.sh there"
