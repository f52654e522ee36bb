#!/usr/bin/env bash
# Builds, tests and runs kmemdump with a JDK 25 found on this machine (the default java may be older).
#   ./build.sh run     build what the runtime needs and start it (Felix shell; 'stop 0' or Ctrl-D quits)
#   ./build.sh test    build everything and run every test; prints "N passed, N failed"
#   ./build.sh mvn ... any Maven command, run on the JDK 25
set -euo pipefail
cd "$(dirname "$0")"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_jdk25() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "build.sh: no JDK 25 found (looked at JAVA_HOME and /usr/lib/jvm/*). Install one, e.g. Temurin 25, or set JAVA_HOME." >&2
    return 1
}

# Sums the JUnit XML reports of surefire, failsafe and the bnd tester into one closing line.
summarize_tests() {
    local reports
    reports=$(find . -path '*/target/*' \( -path '*surefire-reports*' -o -path '*failsafe-reports*' -o -path '*test-reports*' \) -name 'TEST-*.xml' 2>/dev/null)
    # shellcheck disable=SC2086
    awk 'match($0, /<testsuite [^>]*>/) {
            suite = substr($0, RSTART, RLENGTH)
            for (n = split("tests failures errors skipped", keys, " "); n > 0; n--) {
                value[keys[n]] = (match(suite, keys[n] "=\"[0-9]+\"") ? substr(suite, RSTART + length(keys[n]) + 2, RLENGTH - length(keys[n]) - 3) : 0)
            }
            tests += value["tests"]; failed += value["failures"] + value["errors"]; skipped += value["skipped"]
         }
         END {
            printf "%d passed, %d failed, %d skipped\n", tests - failed - skipped, failed, skipped
            exit (tests == 0 || failed > 0) ? 1 : 0
         }' ${reports:-/dev/null}
}

JAVA_HOME=$(find_jdk25)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guava uses sun.misc.Unsafe; JDK 25 warns about it on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
MVN=(mvn -B -ntp -Dstyle.color=never)

case "${1:-}" in
    run)
        "${MVN[@]}" -q -DskipTests package -pl features -am
        exec java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -jar features/target/kmemdump.jar
        ;;
    test)
        status=0
        "${MVN[@]}" clean verify || status=$?
        echo
        summarize_tests || status=$?
        exit "$status"
        ;;
    mvn)
        shift
        exec "${MVN[@]}" "$@"
        ;;
    *)
        sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
