package io.cpner.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its writer schema without building anything, and refuses data
 * whose declared lengths cannot be true: a string, bytes or fixed longer than the bytes left, or
 * collections claiming more items in all than the whole payload has bytes. Avro's own reader believes a
 * length prefix and allocates it first (a 13-byte record whose string says 2,000,000,000 bytes
 * allocates 2 GB before it finds the data missing), so every record is walked by this guard first:
 * O(payload) time, no allocation. Depth is bounded too, so a recursive schema cannot overflow the
 * stack.
 */
final class AvroLengthGuard {
  /** Deeper nesting than any real schema needs; deeper data is refused rather than recursed into. */
  static final int MAX_DEPTH = 64;

  private final byte[] data;
  private final int end;
  private final long payloadBytes;
  private int pos;
  private long items;

  private AvroLengthGuard(byte[] data, int offset, int length) {
    this.data = data;
    this.pos = offset;
    this.end = offset + length;
    this.payloadBytes = length;
  }

  /**
   * Checks {@code length} bytes from {@code offset} against {@code writer}.
   *
   * @throws IllegalArgumentException saying which length was impossible and how many bytes were left
   */
  static void check(Schema writer, byte[] data, int offset, int length) {
    new AvroLengthGuard(data, offset, length).walk(writer, 0);
  }

  private void walk(Schema schema, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("data nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (schema.getType()) {
      case NULL -> { }
      case BOOLEAN -> take(1, "boolean");
      case INT, ENUM -> readVarLong(5);
      case LONG -> readVarLong(10);
      case FLOAT -> take(4, "float");
      case DOUBLE -> take(8, "double");
      case FIXED -> take(schema.getFixedSize(), "fixed " + schema.getFullName());
      case STRING, BYTES -> take(length(schema.getType().getName()), schema.getType().getName());
      case RECORD -> {
        for (Schema.Field field : schema.getFields()) {
          walk(field.schema(), depth + 1);
        }
      }
      case UNION -> {
        List<Schema> branches = schema.getTypes();
        long branch = readVarLong(5);
        if (branch < 0 || branch >= branches.size()) {
          throw new IllegalArgumentException("union branch " + branch + " of " + branches.size());
        }
        walk(branches.get((int) branch), depth + 1);
      }
      case ARRAY -> items(schema.getElementType(), false, depth);
      case MAP -> items(schema.getValueType(), true, depth);
    }
  }

  /** Array or map blocks: a count (negative: followed by the block's byte size), items, a 0 block. */
  private void items(Schema item, boolean keyed, int depth) {
    for (long count = readVarLong(10); count != 0; count = readVarLong(10)) {
      if (count < 0) {
        count = -count;
        long blockBytes = readVarLong(10);
        if (blockBytes < 0 || blockBytes > end - pos) {
          throw new IllegalArgumentException("a block of " + blockBytes + " bytes with " + (end - pos) + " left");
        }
      }
      items += count;
      if (count < 0 || items > payloadBytes) {
        throw new IllegalArgumentException("collections of " + (count < 0 ? "more than 2^63" : items)
            + " items in all in a payload of " + payloadBytes + " bytes");
      }
      for (long i = 0; i < count; i++) {
        if (keyed) {
          take(length("map key"), "map key");
        }
        walk(item, depth + 1);
      }
    }
  }

  private long length(String what) {
    long length = readVarLong(10);
    if (length < 0) {
      throw new IllegalArgumentException("a " + what + " of negative length " + length);
    }
    return length;
  }

  private void take(long bytes, String what) {
    if (bytes > end - pos) {
      throw new IllegalArgumentException("a " + what + " of " + bytes + " bytes with " + (end - pos) + " left");
    }
    pos += (int) bytes;
  }

  /** A zig-zag varint of at most {@code maxBytes} bytes. */
  private long readVarLong(int maxBytes) {
    long raw = 0;
    for (int shift = 0, i = 0; ; shift += 7, i++) {
      if (i == maxBytes) {
        throw new IllegalArgumentException("a varint longer than " + maxBytes + " bytes");
      }
      if (pos >= end) {
        throw new IllegalArgumentException("data ends inside a number");
      }
      int b = data[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
  }
}
