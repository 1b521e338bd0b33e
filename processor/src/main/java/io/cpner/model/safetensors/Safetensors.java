package io.cpner.model.safetensors;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON header ({@code {"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {..}}}),
 * then the raw little-endian tensor data, with offsets relative to the start of that data.
 *
 * <p>Ours rather than DJL's reader, which drops {@code __metadata__} (where prefixes say what they are)
 * and validates nothing. Reading validates strictly and fails with an {@link IllegalArgumentException} whose message names
 * the source and says what was expected and what was found (see {@link SafetensorsHeader}). Files are
 * memory-mapped: the tensors' buffers are read-only views of the file, not copies.
 *
 * <p>Writing lays the tensors out in name order and pads the header with spaces to a multiple of 8
 * bytes, as the reference implementation does. Empty metadata is not written. A file is replaced
 * atomically, never rewritten in place.
 */
public final class Safetensors {

  /**
   * One named tensor: its dtype as written in the header ({@code "F32"}, {@code "BF16"}, ...), its shape
   * and its little-endian bytes. Immutable: {@link #shape()} returns a copy and {@link #data()} a fresh
   * read-only little-endian view positioned at 0. The constructor does not copy the bytes; the caller must
   * not change them afterwards.
   */
  public record Tensor(String name, String dtype, long[] shape, ByteBuffer data) {
    public Tensor {
      Objects.requireNonNull(name, "tensor name");
      Objects.requireNonNull(dtype, "dtype of tensor '" + name + "'");
      Objects.requireNonNull(shape, "shape of tensor '" + name + "'");
      Objects.requireNonNull(data, "data of tensor '" + name + "'");
      if (name.equals(SafetensorsHeader.METADATA_KEY)) {
        throw new IllegalArgumentException("expected a tensor name other than the reserved '" + name + "'");
      }
      shape = shape.clone();
      long expected;
      try {
        expected = SafetensorsDtype.parse(dtype).byteCount(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
      }
      if (data.remaining() != expected) {
        throw new IllegalArgumentException("expected tensor '" + name + "' (" + dtype + ", shape "
            + Arrays.toString(shape) + ") to have " + expected + " bytes but found " + data.remaining());
      }
      data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A tensor of F32 values in row-major order. */
    public static Tensor ofFloats(String name, long[] shape, float[] values) {
      long count = SafetensorsDtype.F32.byteCount(shape) / Float.BYTES;
      if (count != values.length) {
        throw new IllegalArgumentException("expected " + count + " values for tensor '" + name + "' of shape "
            + Arrays.toString(shape) + " but found " + values.length);
      }
      ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      return new Tensor(name, "F32", shape, bytes);
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public ByteBuffer data() {
      return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The dtype as an enum. */
    public SafetensorsDtype type() {
      return SafetensorsDtype.parse(dtype);
    }

    /** The number of elements: the product of the shape (1 for a scalar). */
    public long elementCount() {
      return data.remaining() / type().byteSize();
    }

    /**
     * The values as floats in row-major order: F32 as is, F16 and BF16 widened exactly, F64 narrowed.
     *
     * @throws UnsupportedOperationException for any other dtype, or more than 2^31 - 9 elements
     */
    public float[] toFloats() {
      SafetensorsDtype type = type();
      if (!type.isFloatingPoint()) {
        throw new UnsupportedOperationException("expected tensor '" + name
            + "' to have a floating-point dtype (F32, F64, F16, BF16) but found " + dtype);
      }
      long count = elementCount();
      if (count > Integer.MAX_VALUE - 8) {
        throw new UnsupportedOperationException("expected tensor '" + name
            + "' to fit in a Java array but found " + count + " elements");
      }
      return type.decodeFloats(data, (int) count);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Tensor that && name.equals(that.name) && dtype.equals(that.dtype)
          && Arrays.equals(shape, that.shape) && data.equals(that.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
      return "Tensor[" + name + ", " + dtype + ", shape=" + Arrays.toString(shape) + ", "
          + data.remaining() + " bytes]";
    }
  }

  /** The tensors of a file, keyed by name in header order, and its string metadata; both unmodifiable. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  /** Gives the bytes of one tensor, {@code length} bytes at {@code offset} from the start of the source. */
  @FunctionalInterface
  private interface Regions {
    ByteBuffer slice(long offset, int length) throws IOException;
  }

  private Safetensors() {}

  /** Memory-maps and validates {@code file}. */
  public static Contents read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer prefix = size < 8 ? ByteBuffer.allocate(8) : readFully(channel, 0, 8, source);
      int headerLength = SafetensorsHeader.headerLength(source, size, prefix);
      byte[] header = readFully(channel, 8, headerLength, source).array();
      return assemble(source, header, size, (offset, length) ->
          channel.map(FileChannel.MapMode.READ_ONLY, offset, length));
    }
  }

  /** Parses and validates an in-memory file; the tensors are views of {@code bytes}, not copies. */
  public static Contents fromBytes(byte[] bytes) {
    return fromBytes(bytes, "safetensors bytes (" + bytes.length + ")");
  }

  /** As {@link #fromBytes(byte[])}, naming {@code source} (a topic and offset, say) in error messages. */
  public static Contents fromBytes(byte[] bytes, String source) {
    int headerLength = SafetensorsHeader.headerLength(source, bytes.length, ByteBuffer.wrap(bytes));
    byte[] header = Arrays.copyOfRange(bytes, 8, 8 + headerLength);
    try {
      return assemble(source, header, bytes.length,
          (offset, length) -> ByteBuffer.wrap(bytes, (int) offset, length).slice());
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory cannot fail", e);
    }
  }

  /**
   * Writes {@code tensors} (keyed by their names) and {@code metadata} to {@code file}. The file is
   * written beside its target and then atomically moved over it, so readers (and earlier memory maps of
   * the old file) never see a partial file.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    List<Tensor> sorted = SafetensorsHeader.layout(tensors, metadata);
    byte[] header = SafetensorsHeader.encode(sorted, metadata);
    Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeFully(channel, SafetensorsHeader.lengthPrefix(header));
        writeFully(channel, ByteBuffer.wrap(header));
        for (Tensor tensor : sorted) {
          writeFully(channel, tensor.data());
        }
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The bytes {@link #write} would put in a file. */
  public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
    List<Tensor> sorted = SafetensorsHeader.layout(tensors, metadata);
    byte[] header = SafetensorsHeader.encode(sorted, metadata);
    long total = 8L + header.length + sorted.stream().mapToLong(t -> t.data().remaining()).sum();
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("expected at most 2 GiB of safetensors but found " + total + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total);
    out.put(SafetensorsHeader.lengthPrefix(header)).put(header);
    sorted.forEach(tensor -> out.put(tensor.data()));
    return out.array();
  }

  private static Contents assemble(String source, byte[] header, long totalBytes, Regions regions)
      throws IOException {
    long dataStart = 8L + header.length;
    SafetensorsHeader.Parsed parsed = SafetensorsHeader.parse(source, header, totalBytes - dataStart);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (SafetensorsHeader.Entry entry : parsed.entries()) {
      long length = entry.end() - entry.begin();
      if (length > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(source + ": expected tensor '" + entry.name()
            + "' to have less than 2 GiB but found " + length + " bytes");
      }
      ByteBuffer data = regions.slice(dataStart + entry.begin(), (int) length);
      tensors.put(entry.name(), new Tensor(entry.name(), entry.dtype().name(), entry.shape(), data));
    }
    return new Contents(tensors, parsed.metadata());
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length, String source)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException(source + ": expected " + length + " bytes at offset " + position
            + " but the file ended after " + buffer.position());
      }
    }
    return buffer;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
