package io.cpner.ops.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory: resident set (from /proc) and Java heap in use after a full collection. */
public final class MemoryProbe {
  /** One reading. */
  public record Reading(long residentBytes, long heapUsedBytes) {}

  private MemoryProbe() {}

  public static Reading read() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Reading(residentBytes(), heap);
  }

  /** VmRSS of this process, or -1 where /proc is not available. */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
