package io.cpner.ops.prefixes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cpner.prefix.PrefixCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cpner publish} makes of the directories a shell glob hands it. */
class PublishCommandTest {
  @TempDir
  Path root;

  @Test
  void shouldTakePrefixDirectoriesAndTheirParentsAndSkipTheRest() throws Exception {
    // given prefixes/<plm>/*/ as a glob expands it: prefixes, a directory of prefixes, and neither
    Path politics = prefix("minilm/politics");
    Path update = prefix("minilm/updates/politics");
    Path empty = Files.createDirectories(root.resolve("minilm/notes"));
    // then each prefix is published once, the directory of prefixes stands for its prefixes, the rest is skipped
    assertEquals(List.of(politics, update),
        PublishCommand.expand(List.of(politics, root.resolve("minilm/updates"), empty)));
  }

  @Test
  void shouldFailInOneLineWhenNothingGivenIsAPrefix() throws Exception {
    Path empty = Files.createDirectories(root.resolve("empty"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublishCommand.expand(List.of(empty)));
    assertEquals("no prefix directory among [" + empty + "]", e.getMessage());
  }

  private Path prefix(String dir) throws Exception {
    Path d = Files.createDirectories(root.resolve(dir));
    Files.writeString(d.resolve(PrefixCodec.METADATA_FILE), "{}");
    return d;
  }
}
