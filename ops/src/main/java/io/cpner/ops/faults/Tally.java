package io.cpner.ops.faults;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scenario's inputs reconciled against the outcomes committed for them.
 *
 * @param inputs documents the broker acknowledged
 * @param results committed results, duplicates included
 * @param deadLetters committed dead letters, duplicates included
 * @param lost inputs with neither a result nor a dead letter
 * @param duplicated outcomes beyond the first per input
 * @param unexpected ids with an outcome that were never sent
 * @param versions results per prefix version
 */
public record Tally(int inputs, int results, int deadLetters, int lost, int duplicated, int unexpected, Map<Long, Integer> versions) {
  public Tally {
    versions = Collections.unmodifiableMap(new TreeMap<>(versions)); // in version order
  }
}
