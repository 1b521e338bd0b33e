package io.cpner.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedOrtEnvironmentTest {
  @TempDir Path dir;

  @Test
  void shouldHandOutTheBindingsOneEnvironment() {
    assertSame(OrtEnvironment.getEnvironment(), PinnedOrtEnvironment.get());
    assertSame(PinnedOrtEnvironment.get(), PinnedOrtEnvironment.get());
  }

  /**
   * Without the pin, ONNX Runtime's shutdown hook released the environment under the passes still
   * running and the JVM died with SIGSEGV in 4 of 8 such exits (2026-12-03; the same frame as a
   * {@code cpner eval} stopped by SIGTERM); with it, in none of 8. Six exits here: a regression would
   * survive all six about once in 64 runs.
   */
  @Test
  void shouldExitCleanlyWhileForwardPassesAreRunning() throws Exception {
    for (int exit = 0; exit < 6; exit++) {
      Path out = dir.resolve("out-" + exit + ".txt");
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash", "-Dai.djl.offline=true",
          "-cp", System.getProperty("java.class.path"), OrtShutdownRace.class.getName())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, child.exitValue(), "exit " + exit + " of the child JVM; its output:\n" + output);
      assertTrue(output.contains("passes before the exit: ") && output.contains(", failed: 0"), output);
      assertFalse(output.contains("could not keep ONNX Runtime's environment alive"), output);
      assertEquals(List.of(), crashReports(), output);
    }
  }

  private List<Path> crashReports() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
    }
  }
}
