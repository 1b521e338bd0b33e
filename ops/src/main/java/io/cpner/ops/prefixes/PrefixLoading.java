package io.cpner.ops.prefixes;

import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import java.io.IOException;
import java.nio.file.Path;

/** Reads a prefix directory and checks that it belongs to the loaded PLM. */
public final class PrefixLoading {
  private PrefixLoading() {}

  public static DomainPrefix loadFor(Plm plm, Path dir) throws IOException {
    DomainPrefix prefix = PrefixCodec.read(dir);
    prefix.requireCompatible(plm.identity());
    return prefix;
  }
}
