#!/usr/bin/env bash
# Builds, tests and runs kmemdump with a JDK 25 found on this machine (the default java may be older).
#   ./build.sh run     build what the runtime needs and start it (Felix shell; 'stop 0' or Ctrl-D quits)
#   ./build.sh test    build everything and run every test; prints "N passed, N failed"
#   ./build.sh bench [JMH args]  run the JMH benchmarks (short runs; extra args go to JMH), then time the runtime's startup,
#                                collect against cp, and logging with the log ring on against off
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
        exec java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -jar features/target/kmemdump.jar
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
        "${MVN[@]}" -q -DskipTests package -pl benchmarks -am
        results=benchmarks/target/jmh-result.csv
        rm -f "$results"
        # Short runs for 2 cores. JMH refuses an option given twice, so a default goes only where
        # the extra arguments do not set that option themselves (as a separate word: -f 3, not -f3).
        jmh_args=()
        for default in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s" "-rf csv" "-rff $results"; do
            option=${default%% *}
            case " $* " in *" $option "*) ;; *) jmh_args+=("$option" "${default#* }") ;; esac
        done
        # JDK 25 warns about JMH's use of sun.misc.Unsafe; the forks inherit these options.
        java --sun-misc-unsafe-memory-access=allow \
            -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
            org.openjdk.jmh.Main "${jmh_args[@]}" "$@"

        # The runtime the features module exports (KMEMDUMP_JAR names another one).
        jar=${KMEMDUMP_JAR:-features/target/kmemdump.jar}
        if [ -z "${KMEMDUMP_JAR:-}" ] && [ ! -f "$jar" ] && [ -f features/pom.xml ] \
                && grep -Eq '^[[:space:]]*<module>features</module>' pom.xml; then
            "${MVN[@]}" -q -DskipTests package -pl features -am
        fi
        if [ -f "$jar" ]; then
            if java -cp benchmarks/target/classes org.kmemdump.benchmarks.StartupHarness "$jar" \
                    | tee benchmarks/target/startup.txt; then
                startup=$(sed -n 's/^startup: min/min/p' benchmarks/target/startup.txt)
            else
                startup="failed: see the harness output above"
            fi
        else
            startup="not measured: no $jar (the features module builds it)"
        fi

        # collect of 1 GiB of arena zones against cp of the arena file
        collector=kmemdump-collector/target/kmemdump-collector.jar
        [ -f "$collector" ] || "${MVN[@]}" -q -DskipTests package -pl kmemdump-collector -am
        if java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.kmemdump.benchmarks.CollectHarness \
                "$collector" | tee benchmarks/target/collect.txt; then
            collect=$(sed -n 's/^collect: ratio //p' benchmarks/target/collect.txt)
        else
            collect="failed: see the harness output above"
        fi

        # logging through the Log Service with the log ring on against off, Felix started in process
        if java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
                -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.kmemdump.benchmarks.LogRingHarness \
                benchmarks/target/log-bench-bundles | tee benchmarks/target/logring.txt; then
            logring=$(sed -n 's/^logring: ratio on\/off per log call //p' benchmarks/target/logring.txt)
        else
            logring="failed: see the harness output above"
        fi

        # the collector's log on a full 64 MiB ring: the last 1000 records
        if java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.kmemdump.benchmarks.LogTailHarness \
                "$collector" | tee benchmarks/target/logtail.txt; then
            logtail=$(sed -n 's/^log: //p' benchmarks/target/logtail.txt)
        else
            logtail="failed: see the harness output above"
        fi

        echo
        echo "== kmemdump bench summary (JMH: $results) =="
        # CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"; profilers add "name:metric" rows
        if ! head -n 1 "$results" 2>/dev/null | grep -q '^"Benchmark",'; then
            echo "no JMH results as CSV in $results"
        else awk -F, '
            { gsub(/["\r]/, "") }   # JMH writes CRLF
            NR > 1 && $1 !~ /:/ {
                n = split($1, part, "."); name = part[n]
                if ($8 != "" && $8 != "default") name = name ":" $8   # a @Param value other than the baseline
                score[name] = $5; error[name] = $6; unit[name] = $7
            }
            function show(label, name) {
                if (name in score) printf "%-34s %10.3f ± %.3f %s\n", label, score[name], error[name], unit[name]
            }
            END {
                show("registry pair, default backend:", "registryPair")
                show("registry pair, no backend:", "registryPairNoBackend")
                show("registry pair, with coreimage:", "registryPairWithCoreImage")
                show("registry pair, minidump backend:", "registryPairMinidump")
                show("ConcurrentHashMap put+remove:", "chmPair")
                if (score["chmPair"] > 0) {
                    if ("registryPair" in score) printf "%-34s %10.1f x\n", "ratio registry/CHM:", score["registryPair"] / score["chmPair"]
                    if ("registryPairNoBackend" in score) printf "%-34s %10.1f x\n", "ratio registry (no backend)/CHM:", score["registryPairNoBackend"] / score["chmPair"]
                    if ("registryPairWithCoreImage" in score) printf "%-34s %10.1f x\n", "ratio registry (coreimage)/CHM:", score["registryPairWithCoreImage"] / score["chmPair"]
                }
                show("backend swap, 200 zones:", "swap")
                show("swap default<->minidump, 200:", "swap:minidump")
            }' "$results"
        fi
        printf '%-34s %s\n' "startup to 'kmemdump:zones':" "$startup"
        printf '%-34s %s\n' "collect 1 GiB vs cp of the arena:" "$collect"
        printf '%-34s %s\n' "log -n 1000 on a 64 MiB ring:" "$logtail"
        printf '%-34s %s\n' "log call, ring on vs off:" "$logring"
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
        sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
