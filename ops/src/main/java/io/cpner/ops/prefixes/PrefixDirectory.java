package io.cpner.ops.prefixes;

import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The prefixes shipped in a directory: every sub-directory holding a prefix.json, by name. The
 * repository ships one directory per PLM, {@code prefixes/<plm>} (a prefix runs only on its own PLM).
 */
public final class PrefixDirectory {
  /** Where the repository keeps its shipped prefixes, one directory per PLM. */
  public static final Path SHIPPED = Path.of("prefixes");

  private PrefixDirectory() {}

  /** The shipped prefixes of a PLM: {@code prefixes/<name>}, for a directory PLM its last path element. */
  public static Path shippedFor(String plm) {
    Path name = Path.of(plm).getFileName();
    return SHIPPED.resolve(name == null ? plm : name.toString());
  }

  public static List<DomainPrefix> list(Plm plm, Path root) throws IOException {
    List<DomainPrefix> out = new ArrayList<>();
    for (Path dir : dirs(root)) {
      out.add(PrefixLoading.loadFor(plm, dir));
    }
    return out;
  }

  /** The sub-directories of {@code root} that hold a prefix.json, by name; none if there are none. */
  static List<Path> prefixDirsIn(Path root) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(dir -> Files.isRegularFile(dir.resolve(PrefixCodec.METADATA_FILE))).sorted().toList();
    }
  }

  /** The sub-directories of {@code root} that hold a prefix.json, by name; at least one. */
  static List<Path> dirs(Path root) throws IOException {
    List<Path> out = prefixDirsIn(root);
    if (out.isEmpty()) {
      throw new IllegalArgumentException("expected prefix directories (with " + PrefixCodec.METADATA_FILE + ") under " + root
          + ", found none");
    }
    return out;
  }
}
