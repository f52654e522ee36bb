#!/usr/bin/env bash
# Builds, tests and runs kmemdump with a JDK 25 found on this machine (the default java may be older).
#   ./build.sh run [JVM options]  build what the runtime needs and start it with its start script (Felix shell; 'stop 0' or Ctrl-D quits)
#   ./build.sh test    build everything and run every test; prints "N passed, N failed"
#   ./build.sh bench [JMH args]  run the JMH benchmarks (short runs; extra args go to JMH), then time the runtime's startup
#                                against the bare framework, collect against cp, the collector's log, and logging with the
#                                log ring on against off; prints a summary, exits non-zero if any of them failed
#   ./build.sh collector ...    the collector (inspect DIR, collect DIR -o FILE), built if needed
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
        # the distribution's start script: the JVM's fatal-error path runs the collector (README: When the JVM itself dies)
        shift
        exec features/target/kmemdump "$@"
        ;;
    test)
        status=0
        "${MVN[@]}" clean verify || status=$?
        echo
        summarize_tests || status=$?
        exit "$status"
        ;;
    bench)
        shift
        # benchmarks depends on the features and collector modules, so -am builds the runtimes and the collector too
        "${MVN[@]}" -q -DskipTests package -pl benchmarks -am
        target=benchmarks/target
        rm -f "$target/jmh-result.csv" "$target"/{startup,crashstartup,startup-equinox,collect,logtail,logring,webpage}.txt
        classpath="$target/classes:$(cat "$target/classpath.txt")"
        # JDK 25 warns about JMH's use of sun.misc.Unsafe; the core maps its arena with restricted methods; the
        # benchmarks start Felix with the bundles in bench-bundles. JMH's forks inherit these options.
        java_opts=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
            "-Dkmemdump.bench.bundles=$target/bench-bundles" -cp "$classpath")
        collector=kmemdump-collector/target/kmemdump-collector.jar
        # A step that fails is reported and the others still run; the summary names every row without a
        # result, and the exit status is non-zero when anything failed.
        status=0
        failed() { echo "bench: $1 failed (exit $2)" >&2; status=1; }

        # Short runs for 2 cores. JMH refuses an option given twice, so a default goes only where
        # the extra arguments do not set that option themselves (as a separate word: -f 3, not -f3).
        # Warm-up and measured iterations are each benchmark class's own @Warmup/@Measurement: an
        # option on the command line would override them.
        jmh_args=()
        for default in "-f 1" "-rf csv" "-rff $target/jmh-result.csv"; do
            option=${default%% *}
            case " $* " in *" $option "*) ;; *) jmh_args+=("$option" "${default#* }") ;; esac
        done
        java "${java_opts[@]}" org.openjdk.jmh.Main "${jmh_args[@]}" "$@" || failed "JMH" $?

        # start-up of the runtime until its shell answered, against the bare framework (the same bndrun without kmemdump)
        # and against the bare framework starting one bundle with one DS component (SCR's first component)
        java "${java_opts[@]}" org.kmemdump.benchmarks.StartupHarness features/target/kmemdump.jar \
            features/target/framework.jar features/target/test-bundles/log-burst.jar | tee "$target/startup.txt" || failed StartupHarness $?
        # start-up with 3 pending 64 MiB crashes in the crash store against none, and their background collection
        java "${java_opts[@]}" org.kmemdump.benchmarks.CrashStartupHarness features/target/kmemdump.jar \
            | tee "$target/crashstartup.txt" || failed CrashStartupHarness $?
        # the same start-up on Equinox (kmemdump-equinox.jar) against Felix (kmemdump.jar)
        java "${java_opts[@]}" org.kmemdump.benchmarks.EquinoxStartupHarness features/target/kmemdump-equinox.jar \
            features/target/kmemdump.jar | tee "$target/startup-equinox.txt" || failed EquinoxStartupHarness $?
        # collect of 1 GiB of arena zones against cp of the arena file
        java "${java_opts[@]}" org.kmemdump.benchmarks.CollectHarness "$collector" \
            | tee "$target/collect.txt" || failed CollectHarness $?
        # the collector's log on a full 64 MiB ring: the last 1000 records
        java "${java_opts[@]}" org.kmemdump.benchmarks.LogTailHarness "$collector" \
            | tee "$target/logtail.txt" || failed LogTailHarness $?
        # logging through the Log Service with the log ring on against off, Felix started in process
        java "${java_opts[@]}" org.kmemdump.benchmarks.LogRingHarness "$target/bench-bundles" \
            | tee "$target/logring.txt" || failed LogRingHarness $?
        # one threads snapshot at 50, 500 and 5000 threads; the idle runtime's CPU, default periods against off, 5 min each
        java "${java_opts[@]}" org.kmemdump.benchmarks.ThreadsHarness "$target/bench-bundles" \
            | tee "$target/threads.txt" || failed ThreadsHarness $?
        # the Web Console page with 200 zones and 10 collected crashes against the console's bundles page
        java "${java_opts[@]}" org.kmemdump.benchmarks.WebPageHarness features/target/kmemdump-web.jar \
            features/target/test-bundles/zone-consumer.jar | tee "$target/webpage.txt" || failed WebPageHarness $?

        echo
        java "${java_opts[@]}" org.kmemdump.benchmarks.BenchSummary "$target" || status=1
        exit "$status"
        ;;
    collector)
        shift
        [ -f kmemdump-collector/target/kmemdump-collector.jar ] || "${MVN[@]}" -q -DskipTests package -pl kmemdump-collector -am
        exec java -jar kmemdump-collector/target/kmemdump-collector.jar "$@"
        ;;
    mvn)
        shift
        exec "${MVN[@]}" "$@"
        ;;
    *)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
