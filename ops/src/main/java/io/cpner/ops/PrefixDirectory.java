package io.cpner.ops;

import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The prefixes shipped in a directory: every sub-directory holding a prefix.json, by name. */
final class PrefixDirectory {
  private PrefixDirectory() {}

  static List<DomainPrefix> list(Plm plm, Path root) throws IOException {
    List<DomainPrefix> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        if (Files.isRegularFile(dir.resolve(PrefixCodec.METADATA_FILE))) {
          out.add(PrefixLoading.loadFor(plm, dir));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("expected prefix directories (with " + PrefixCodec.METADATA_FILE + ") under " + root
          + ", found none");
    }
    return out;
  }
}
