package io.cpner.ops;

import io.cpner.model.Plm;
import io.cpner.model.PlmLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --plm} option shared by every command that runs the model. */
final class PlmOption {
  @Option(names = "--plm", description = "Hugging Face model directory (config.json, model.safetensors, tokenizer.json);"
      + " default: the bundled all-MiniLM-L6-v2.")
  Path plmDir;

  Plm load() {
    return plmDir == null ? PlmLoader.loadDefault() : PlmLoader.loadHuggingFace(plmDir);
  }
}
