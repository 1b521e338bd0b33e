package io.cpner.model.loading;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads the float tensors of a TensorFlow checkpoint bundle ({@code variables.index} and one data
 * shard {@code variables.data-00000-of-00001}) without TensorFlow.
 *
 * <p>The index is a LevelDB-format table: a 48-byte footer (metaindex and index block handles, then
 * the magic {@code 0xdb4775248b80fb57}), an index block whose values are handles of data blocks, and
 * data blocks of prefix-compressed keys with a restart array; every block is followed by a type byte
 * (0: uncompressed) and the masked CRC32C of block and type. Keys are tensor names (the empty key is
 * the bundle header); values are {@code BundleEntryProto} messages (tensor_bundle.proto: 1 dtype,
 * 2 shape, 3 shard_id, 4 offset, 5 size, 6 crc32c). The data shard holds each tensor's raw
 * little-endian bytes at its offset, checked against the entry's CRC32C (masked, as the blocks' are).
 *
 * <p>Protobuf fields are read through protobuf-java's generic {@link UnknownFieldSet}: tensor_bundle.proto
 * is not on the classpath (TensorFlow is not a run-time dependency), and five scalar fields do not
 * warrant generating it.
 */
final class TensorBundle {
  /** TensorFlow's {@code DT_FLOAT}. */
  static final int DT_FLOAT = 1;

  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER_BYTES = 48;
  private static final int BLOCK_TRAILER_BYTES = 5;
  private static final int MASK_DELTA = 0xa282ead8;

  // BundleEntryProto and TensorShapeProto field numbers (tensorflow/core/protobuf/tensor_bundle.proto)
  private static final int ENTRY_DTYPE = 1;
  private static final int ENTRY_SHAPE = 2;
  private static final int ENTRY_SHARD = 3;
  private static final int ENTRY_OFFSET = 4;
  private static final int ENTRY_SIZE = 5;
  private static final int ENTRY_CRC32C = 6;
  private static final int ENTRY_SLICES = 7;
  private static final int SHAPE_DIM = 2;
  private static final int DIM_SIZE = 1;

  /** One tensor's entry in the index. */
  record Entry(String name, int dtype, long[] shape, int shard, long offset, long size, int crc32c) {
    long elementCount() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
  }

  private final Map<String, Entry> entries;
  private final Path dataFile;

  private TensorBundle(Map<String, Entry> entries, Path dataFile) {
    this.entries = entries;
    this.dataFile = dataFile;
  }

  /**
   * Parses the index of a bundle whose single data shard is {@code dataFile}.
   *
   * @throws IllegalArgumentException naming the file and what was expected where the index is malformed
   */
  static TensorBundle open(byte[] index, String indexName, Path dataFile) {
    return new TensorBundle(readIndex(index, indexName), dataFile);
  }

  /** Every tensor's entry, by name, in key order. */
  Map<String, Entry> entries() {
    return entries;
  }

  /**
   * The values of a float tensor, row-major, after checking its size against the data file and its
   * CRC32C against the index.
   *
   * @throws IllegalArgumentException naming the tensor, the file and what was expected
   */
  float[] floats(String name) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(dataFile + ": expected tensor '" + name + "' in the bundle index, found none");
    }
    if (e.dtype() != DT_FLOAT) {
      throw new IllegalArgumentException(
          dataFile + ": tensor '" + name + "' expected dtype DT_FLOAT (1), found " + e.dtype());
    }
    if (e.shard() != 0) {
      throw new IllegalArgumentException(dataFile + ": tensor '" + name + "' expected in shard 0, found shard " + e.shard());
    }
    if (e.size() != e.elementCount() * Float.BYTES) {
      throw new IllegalArgumentException(dataFile + ": tensor '" + name + "' of shape " + Arrays.toString(e.shape())
          + " expected " + e.elementCount() * Float.BYTES + " bytes, the index says " + e.size());
    }
    try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
      if (e.offset() + e.size() > channel.size()) {
        throw new IllegalArgumentException(dataFile + ": tensor '" + name + "' expected bytes " + e.offset() + ".."
            + (e.offset() + e.size()) + ", found a file of " + channel.size() + " bytes (truncated?)");
      }
      ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, e.offset(), e.size());
      CRC32C crc = new CRC32C();
      crc.update(bytes.duplicate());
      if (masked(crc) != e.crc32c()) {
        throw new IllegalArgumentException(String.format(
            "%s: tensor '%s' expected masked CRC32C %08x (from the index), found %08x: the data file is corrupt",
            dataFile, name, e.crc32c(), masked(crc)));
      }
      float[] values = new float[(int) e.elementCount()];
      bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return values;
    }
  }

  private static Map<String, Entry> readIndex(byte[] index, String source) {
    if (index.length < FOOTER_BYTES) {
      throw new IllegalArgumentException(source + ": expected a table of at least " + FOOTER_BYTES
          + " bytes (the footer), found " + index.length);
    }
    ByteBuffer footer = ByteBuffer.wrap(index, index.length - FOOTER_BYTES, FOOTER_BYTES).slice();
    long magic = footer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(FOOTER_BYTES - 8);
    if (magic != TABLE_MAGIC) {
      throw new IllegalArgumentException(String.format(
          "%s: expected the table magic %016x at the end, found %016x (not a TensorFlow bundle index, or truncated)",
          source, TABLE_MAGIC, magic));
    }
    Reader f = new Reader(footer, source + " footer");
    f.varint(); // metaindex handle: offset, size (unused)
    f.varint();
    long indexOffset = f.varint();
    long indexSize = f.varint();

    Map<String, Entry> entries = new LinkedHashMap<>();
    for (byte[][] handle : block(index, indexOffset, indexSize, source)) {
      Reader h = new Reader(ByteBuffer.wrap(handle[1]), source + " index block");
      long offset = h.varint();
      long size = h.varint();
      for (byte[][] kv : block(index, offset, size, source)) {
        String name = new String(kv[0], StandardCharsets.UTF_8);
        if (!name.isEmpty()) { // the empty key is the BundleHeaderProto
          entries.put(name, entry(name, kv[1], source));
        }
      }
    }
    return entries;
  }

  /** The (key, value) pairs of one block, after checking its bounds, type and checksum. */
  private static List<byte[][]> block(byte[] table, long offset, long size, String source) {
    if (offset < 0 || size < 4 || offset + size + BLOCK_TRAILER_BYTES > table.length) {
      throw new IllegalArgumentException(source + ": expected a block at " + offset + " of " + size
          + " bytes (+5 trailer) inside the " + table.length + "-byte table, found it outside (truncated?)");
    }
    int start = (int) offset;
    int length = (int) size;
    int type = table[start + length];
    if (type != 0) {
      throw new IllegalArgumentException(source + ": block at " + offset + " expected uncompressed (type 0), found type " + type);
    }
    CRC32C crc = new CRC32C();
    crc.update(table, start, length + 1);
    int expected = ByteBuffer.wrap(table, start + length + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (masked(crc) != expected) {
      throw new IllegalArgumentException(String.format(
          "%s: block at %d expected masked CRC32C %08x, found %08x: the index is corrupt", source, offset, expected, masked(crc)));
    }
    ByteBuffer b = ByteBuffer.wrap(table, start, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    int restarts = b.getInt(length - 4);
    int end = length - 4 - 4 * restarts;
    if (restarts < 1 || end < 0) {
      throw new IllegalArgumentException(source + ": block at " + offset + " has an impossible restart count " + restarts);
    }
    Reader r = new Reader(b.limit(end), source + " block at " + offset);
    List<byte[][]> out = new ArrayList<>();
    byte[] key = new byte[0];
    while (r.buffer.hasRemaining()) {
      int shared = (int) r.varint();
      int unshared = (int) r.varint();
      int valueLength = (int) r.varint();
      if (shared > key.length) {
        throw new IllegalArgumentException(source + ": block at " + offset + " shares " + shared
            + " bytes of a " + key.length + "-byte key");
      }
      byte[] next = Arrays.copyOf(key, shared + unshared);
      r.bytes(next, shared, unshared);
      byte[] value = new byte[valueLength];
      r.bytes(value, 0, valueLength);
      key = next;
      out.add(new byte[][] {key, value});
    }
    return out;
  }

  private static Entry entry(String name, byte[] value, String source) {
    UnknownFieldSet fields;
    try {
      fields = UnknownFieldSet.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(source + ": tensor '" + name + "' expected a BundleEntryProto, found "
          + value.length + " unparsable bytes", e);
    }
    if (fields.hasField(ENTRY_SLICES)) {
      throw new IllegalArgumentException(source + ": tensor '" + name + "' is stored in slices, which this reader does not take");
    }
    long[] shape = new long[0];
    if (fields.hasField(ENTRY_SHAPE)) {
      try {
        UnknownFieldSet shapeProto = UnknownFieldSet.parseFrom(fields.getField(ENTRY_SHAPE).getLengthDelimitedList().get(0));
        List<ByteString> dims =
            shapeProto.hasField(SHAPE_DIM) ? shapeProto.getField(SHAPE_DIM).getLengthDelimitedList() : List.of();
        shape = new long[dims.size()];
        for (int i = 0; i < dims.size(); i++) {
          shape[i] = varint(UnknownFieldSet.parseFrom(dims.get(i)), DIM_SIZE);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(source + ": tensor '" + name + "' has an unparsable shape", e);
      }
    }
    int crc = fields.hasField(ENTRY_CRC32C) ? fields.getField(ENTRY_CRC32C).getFixed32List().get(0) : 0;
    return new Entry(name, (int) varint(fields, ENTRY_DTYPE), shape, (int) varint(fields, ENTRY_SHARD),
        varint(fields, ENTRY_OFFSET), varint(fields, ENTRY_SIZE), crc);
  }

  /** LevelDB's (and TensorFlow's) masked form of a CRC32C, as both blocks and tensors store it. */
  private static int masked(CRC32C crc) {
    return Integer.rotateRight((int) crc.getValue(), 15) + MASK_DELTA;
  }

  /** A varint field's value; proto3 leaves out fields equal to 0. */
  private static long varint(UnknownFieldSet fields, int number) {
    return fields.hasField(number) ? fields.getField(number).getVarintList().get(0) : 0L;
  }

  /** Reads LevelDB varints and byte runs, failing with the source named when the bytes run out. */
  private record Reader(ByteBuffer buffer, String source) {
    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (!buffer.hasRemaining()) {
          throw new IllegalArgumentException(source + ": expected a varint, found the end of the bytes");
        }
        byte b = buffer.get();
        result |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw new IllegalArgumentException(source + ": expected a varint of at most 10 bytes, found a longer one");
    }

    void bytes(byte[] into, int at, int count) {
      if (count < 0 || buffer.remaining() < count) {
        throw new IllegalArgumentException(source + ": expected " + count + " more bytes, found " + buffer.remaining());
      }
      buffer.get(into, at, count);
    }
  }
}
