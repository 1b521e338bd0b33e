package io.cpner.ops.bench.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;

/** The process's memory: resident set (from /proc) and Java heap in use after a full collection. */
public final class MemoryProbe {
  /**
   * One reading. The resident set includes the heap's committed pages, which the collector grows and
   * shrinks on its own schedule; resident minus committed heap is what lives outside the heap (the
   * PLM's and runtimes' native memory, the JVM itself).
   */
  public record Reading(long residentBytes, long heapUsedBytes, long heapCommittedBytes) {
    public long outsideHeapBytes() {
      return residentBytes - heapCommittedBytes;
    }
  }

  private MemoryProbe() {}

  public static Reading read() {
    // native memory held by unreachable objects (direct buffers, tensors) is freed by cleaner threads
    // after a collection: collect, give them time, and collect again
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    trimNativeHeap();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new Reading(residentBytes(), heap.getUsed(), heap.getCommitted());
  }

  /**
   * Gives the C allocator's free pages back to the system ({@code jcmd System.trim_native_heap}, glibc),
   * so that memory the runtimes freed while loading (graph building, optimisation) is not counted as
   * resident. Best effort: where the command does not exist the reading includes those pages.
   */
  private static void trimNativeHeap() {
    try {
      ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
          "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
    } catch (JMException | RuntimeException e) {
      // not available on this JVM or platform
    }
  }

  /** VmRSS of this process, or -1 where /proc is not available. */
  public static long residentBytes() {
    return statusBytes("self", "VmRSS");
  }

  /**
   * A size line of {@code /proc/<process>/status} in bytes ({@code field} e.g. VmRSS, VmHWM for the
   * peak; {@code process} a pid or {@code self}), or -1 where /proc does not say (not Linux, gone).
   */
  public static long statusBytes(String process, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", process, "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
