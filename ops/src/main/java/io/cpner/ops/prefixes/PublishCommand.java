package io.cpner.ops.prefixes;

import io.cpner.model.Plm;
import io.cpner.ops.options.ConfigFileOption;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.options.SigningOptions;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.PrefixCodec;
import io.cpner.prefix.PrefixSigningKey;
import io.cpner.registry.SchemaRegistryClient;
import io.cpner.stream.ProcessorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cpner publish}: sends prefix directories to the control topic, signed with an Ed25519 key
 * (or, explicitly, unsigned); running processors verify and hot-swap them.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish prefix directories to the control topic (keyed by domain), signed; running processors verify and install them live.")
public final class PublishCommand implements Callable<Integer> {
  @Mixin ConfigFileOption config;
  @Mixin PlmOption plmOption;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SigningOptions signing;

  @Option(names = "--version", description = "Publish as this version instead of the one in prefix.json.")
  Long version;

  @Parameters(arity = "1..*", description = "Prefix directories; a directory without prefix.json stands for each of its"
      + " sub-directories that has one (e.g. prefixes/minilm/).")
  List<Path> dirs;

  @Override
  public Integer call() throws Exception {
    ProcessorConfig c = config.load();
    Optional<PrefixSigningKey> signingKey = signing.load();
    try (Plm plm = plmOption.load();
        PrefixPublisher publisher = new PrefixPublisher(c.bootstrapServers(), c.streamsOverrides(),
            new SchemaRegistryClient(c.registryConfig()), c.topics().control(), signingKey)) {
      for (Path dir : expand(dirs)) {
        DomainPrefix prefix = PrefixLoading.loadFor(plm, dir);
        if (version != null) {
          prefix = prefix.withVersion(version);
        }
        RecordMetadata at = publisher.publish(prefix);
        System.out.printf("published %s v%d (%s, %s) to %s-%d@%d%n", prefix.domain(), prefix.version(), dir,
            publisher.signing(), at.topic(), at.partition(), at.offset());
      }
      return 0;
    }
  }

  /**
   * Each directory as given if it is a prefix directory, else the prefix directories in it; a
   * directory with neither (e.g. {@code prefixes/minilm/updates/} from a glob is one, its children
   * are) is skipped with one line on stderr. None at all is an error.
   */
  static List<Path> expand(List<Path> dirs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path dir : dirs) {
      List<Path> inside = Files.isDirectory(dir) ? PrefixDirectory.prefixDirsIn(dir) : List.of();
      if (Files.isRegularFile(dir.resolve(PrefixCodec.METADATA_FILE))) {
        out.add(dir);
      } else if (!inside.isEmpty()) {
        out.addAll(inside);
      } else {
        System.err.println("skipped " + dir + ": not a prefix directory (no " + PrefixCodec.METADATA_FILE
            + " in it or in its sub-directories)");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no prefix directory among " + dirs);
    }
    return out;
  }
}
