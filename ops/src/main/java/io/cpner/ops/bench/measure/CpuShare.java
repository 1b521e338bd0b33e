package io.cpner.ops.bench.measure;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this process between two moments, and the part of it spent by threads whose names
 * contain a marker (the processor's application id: its stream threads and its Kafka clients'
 * threads). In the in-process pipeline the rest is the broker, the schema registry, the bench's own
 * producer and reader, and the JVM (collector, compiler).
 */
public final class CpuShare {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final long processNanos;
  private final Map<Long, Long> markedNanos;

  private CpuShare(long processNanos, Map<Long, Long> markedNanos) {
    this.processNanos = processNanos;
    this.markedNanos = markedNanos;
  }

  /** The CPU time so far of the process and of each live thread whose name contains {@code marker}. */
  public static CpuShare now(String marker) {
    Map<Long, Long> marked = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null && t.getThreadName().contains(marker)) {
        long nanos = THREADS.getThreadCpuTime(t.getThreadId());
        if (nanos >= 0) {
          marked.put(t.getThreadId(), nanos);
        }
      }
    }
    return new CpuShare(OS.getProcessCpuTime(), marked);
  }

  /**
   * The marked threads' share of the process's CPU time from {@code earlier} to this moment (threads
   * that started in between count from zero; NaN where the JVM does not measure CPU time).
   */
  public double markedShareSince(CpuShare earlier) {
    long process = processNanos - earlier.processNanos;
    if (process <= 0 || markedNanos.isEmpty()) {
      return Double.NaN;
    }
    long marked = 0;
    for (Map.Entry<Long, Long> e : markedNanos.entrySet()) {
      marked += e.getValue() - earlier.markedNanos.getOrDefault(e.getKey(), 0L);
    }
    return (double) marked / process;
  }
}
