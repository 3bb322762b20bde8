# Finding Java installations; sourced by ./eqaug and ./run-tests.

# The Java feature release of a java binary (8 for 1.8, 17, 25, ...), or nothing if it does not run.
java_release() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}') || true
  v=${v#1.}
  printf '%s' "${v%%.*}"
}

# Every java binary worth considering, most explicit first.
candidates() {
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && echo "$JAVA_HOME/bin/java"
  command -v java 2>/dev/null || true
  for j in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*jdk*/bin/java; do
    [ -x "$j" ] && echo "$j"
  done
  return 0
}

# The newest java among the candidates with release >= $1 (and a javac beside it when $2 = jdk).
newest_java() {
  local min=$1 need=${2:-} best="" best_rel=0 j rel
  while IFS= read -r j; do
    j=$(readlink -f "$j")
    [ "$need" = jdk ] && [ ! -x "$(dirname "$j")/javac" ] && continue
    rel=$(java_release "$j")
    [[ "$rel" =~ ^[0-9]+$ ]] || continue
    if [ "$rel" -ge "$min" ] && [ "$rel" -gt "$best_rel" ]; then best=$j; best_rel=$rel; fi
  done < <(candidates | awk '!seen[$0]++')
  printf '%s' "$best"
}

# The JAVA_HOME of a java binary.
java_home_of() {
  dirname "$(dirname "$1")"
}

# A java of exactly feature release $1, or nothing.
java_of_release() {
  local want=$1 j
  while IFS= read -r j; do
    j=$(readlink -f "$j")
    [ "$(java_release "$j")" = "$want" ] && { printf '%s' "$j"; return 0; }
  done < <(candidates | awk '!seen[$0]++')
  return 0
}
