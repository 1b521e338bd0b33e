package io.cpner.ops.faults;

import io.cpner.ops.Cpner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code cpner run} processor in a JVM of its own, so that a crash is real: after {@link #kill()}
 * (SIGKILL) nothing is left but what Kafka and the state directory hold. The JVM runs the current
 * JVM's classpath; its output goes to a log file, whose tail {@link #logTail()} shows when a scenario fails.
 * Processors still running when this JVM exits are killed with it (not if this JVM is itself killed).
 */
final class ProcessorProcess {
  /** The processor's heap, offline model loading, and the command line's warnings (plus io.cpner's info). */
  private static final List<String> JVM_OPTIONS = List.of("-Xmx2g", "-Dai.djl.offline=true",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  private static final int LOG_TAIL_LINES = 40;
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "fault-suite-processors"));
  }

  private final String name;
  private final Path log;
  private final Process process;
  private volatile boolean stopped;

  private ProcessorProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Writes {@code settings} to {@code <dir>/<name>.properties} and starts {@code cpner run --config} on it. */
  static ProcessorProcess start(String name, Map<String, String> settings, Path dir) {
    Path config = dir.resolve(name + ".properties");
    Path log = dir.resolve(name + ".log");
    Properties properties = new Properties();
    properties.putAll(settings);
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(out, "fault suite processor " + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    // the same java and classpath as this JVM (under surefire: the test runtime classpath)
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cpner.class.getName(), "run", "--config",
        config.toString()));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // what a user's shell holds beside the settings: the launcher's variables and an unrelated
      // CPNER_HOME must not stop the processor (they are not settings)
      builder.environment().putAll(Map.of("CPNER_JAVA_OPTS", String.join(" ", JVM_OPTIONS),
          "CPNER_CLASSPATH", System.getProperty("java.class.path"), "CPNER_HOME", dir.toString()));
      Process process = builder.start();
      RUNNING.add(process);
      return new ProcessorProcess(name, log, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start processor " + name + " (" + command.get(0) + ")", e);
    }
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** True when the JVM is gone although nobody stopped it. */
  boolean diedUnexpectedly() {
    return !stopped && !process.isAlive();
  }

  /** SIGKILL, and waits until the JVM is gone: no shutdown hook, no flush, no commit. */
  void kill() {
    stopped = true;
    process.destroyForcibly(); // SIGKILL on Linux
    awaitExit(Duration.ofSeconds(30));
  }

  /**
   * SIGTERM (what an orchestrator sends to stop a process), then waits for the exit.
   *
   * @return the exit code (a JVM that ran its shutdown hooks after SIGTERM exits with 143)
   * @throws IllegalStateException if it has not exited within {@code timeout}; it is then killed
   */
  int terminate(Duration timeout) {
    stopped = true;
    process.destroy(); // SIGTERM on Linux
    return awaitExit(timeout);
  }

  private int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("processor " + name + " did not exit within " + timeout.toSeconds() + " s; killed it\n"
            + logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for processor " + name + " to exit", e);
    }
    RUNNING.remove(process);
    return process.exitValue();
  }

  /** Kills the JVM if it still runs (a scenario that failed half way). */
  void destroy() {
    stopped = true;
    if (process.isAlive()) {
      kill();
    }
  }

  /** The last lines of the processor's output, for failure messages. */
  String logTail() {
    try {
      List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return "--- last lines of " + log + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Lines of the processor's output that contain {@code text}. */
  /**
   * The most resident memory the process has had (its {@code VmHWM}), or -1 where {@code /proc}
   * does not say (not Linux, or the process is gone).
   */
  long peakResidentBytes() {
    return io.cpner.ops.bench.measure.MemoryProbe.statusBytes(String.valueOf(process.pid()), "VmHWM");
  }

  long logLinesContaining(String text) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().filter(l -> l.contains(text)).count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }
}
