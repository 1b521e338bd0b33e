package io.cpner.ops.bench.measure;

import io.cpner.model.Plm;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import io.cpner.prefix.PrefixMetadata;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefixes of one PLM among all those under a directory: every directory at any depth below it
 * (links followed) that holds a {@value PrefixCodec#METADATA_FILE} is read, and kept when its
 * metadata names the PLM, by id and content hash, so that one tree can hold the prefixes of several
 * PLMs (e.g. {@code prefixes/<domain>} and {@code prefixes/bert-base-cased/<domain>}). One prefix a
 * domain: the one nearest to the root, then the newest version, then the first path; the others are
 * logged and left out.
 */
public final class PlmPrefixes {
  private static final Logger LOG = LoggerFactory.getLogger(PlmPrefixes.class);

  /** A prefix and the directory it was read from. */
  public record Found(DomainPrefix prefix, Path dir) {}

  private PlmPrefixes() {}

  /**
   * The PLM's prefixes under {@code root}, by domain in name order.
   *
   * @throws IllegalArgumentException when {@code root} is not a directory, or holds no prefix of the
   *     PLM (saying which PLMs the prefixes found belong to)
   */
  public static Map<String, Found> select(Plm plm, Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("expected a directory of prefixes at " + root + ", found none");
    }
    List<Found> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals(PrefixCodec.METADATA_FILE)).sorted().toList()) {
        all.add(new Found(PrefixCodec.read(file.getParent()), file.getParent()));
      }
    }
    Map<String, Found> chosen = new TreeMap<>();
    all.stream().filter(f -> belongsTo(f.prefix().metadata(), plm))
        .sorted(Comparator.comparingInt((Found f) -> f.dir().getNameCount())
            .thenComparing(f -> -f.prefix().version()))
        .forEach(f -> {
          Found first = chosen.putIfAbsent(f.prefix().domain(), f);
          if (first != null) {
            LOG.info("{}: {} v{} left out, the bench runs {} v{} of the same domain", f.dir(), f.prefix().domain(),
                f.prefix().version(), first.dir(), first.prefix().version());
          }
        });
    if (chosen.isEmpty()) {
      Map<String, Long> owners = all.stream().collect(Collectors.groupingBy(
          f -> f.prefix().metadata().plmId() + " (sha256 " + f.prefix().metadata().plmSha256() + ")", LinkedHashMap::new,
          Collectors.counting()));
      throw new IllegalArgumentException("expected prefixes of PLM " + plm.id() + " (sha256 " + plm.sha256() + ") under "
          + root + " (" + PrefixCodec.METADATA_FILE + " at any depth), found none" + (owners.isEmpty() ? ""
          : "; the prefixes there belong to " + owners.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
              .collect(Collectors.joining(", "))));
    }
    for (Found f : chosen.values()) {
      f.prefix().requireCompatible(plm.identity());
    }
    return chosen;
  }

  private static boolean belongsTo(PrefixMetadata m, Plm plm) {
    return m.plmId().equals(plm.id()) && m.plmSha256().equals(plm.sha256());
  }
}
