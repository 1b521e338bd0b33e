package io.cpner.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cpner.inference.Entity;
import io.cpner.inference.NerEngine;
import io.cpner.model.Plm;
import io.cpner.ops.options.InferenceOptions;
import io.cpner.ops.options.PlmOption;
import io.cpner.ops.prefixes.PrefixLoading;
import io.cpner.prefix.DomainPrefix;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cpner tag}: entities of one text, or of every line of standard input, as JSON lines. */
@Command(name = "tag", mixinStandardHelpOptions = true,
    description = "Tag text with a domain prefix; prints one JSON object per document: {text, domain, prefixVersion, entities}.")
final class TagCommand implements Callable<Integer> {
  @Mixin PlmOption plmOption;

  @Mixin InferenceOptions inference;

  @Option(names = "--prefix", required = true, description = "Prefix directory (prefix.json + prefix.safetensors).")
  Path prefixDir;

  @Option(names = "--text", description = "Text to tag; without it, every line of standard input is one document.")
  String text;

  @Option(names = "--batch", defaultValue = "32", description = "Documents per engine call when reading stdin (default ${DEFAULT-VALUE}).")
  int batch;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    try (Plm plm = plmOption.load(); NerEngine engine = inference.open(plm)) {
      DomainPrefix prefix = PrefixLoading.loadFor(plm, prefixDir);
      PrintStream out = System.out;
      if (text != null) {
        print(out, prefix, List.of(text), engine);
        return 0;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      List<String> pending = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        pending.add(line);
        if (pending.size() == batch) {
          print(out, prefix, pending, engine);
          pending.clear();
        }
      }
      print(out, prefix, pending, engine);
      return 0;
    }
  }

  private static void print(PrintStream out, DomainPrefix prefix, List<String> texts, NerEngine engine) throws Exception {
    if (texts.isEmpty()) {
      return;
    }
    List<List<Entity>> results = engine.tag(texts.stream().map(t -> new NerEngine.Request(t, prefix)).toList());
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("text", texts.get(i));
      doc.put("domain", prefix.domain());
      doc.put("prefixVersion", prefix.version());
      ArrayNode entities = doc.putArray("entities");
      for (Entity e : results.get(i)) {
        entities.addObject().put("text", e.text()).put("type", e.type()).put("start", e.start()).put("end", e.end())
            .put("score", Math.round(e.score() * 10000) / 10000.0);
      }
      out.println(JSON.writeValueAsString(doc));
    }
    out.flush();
  }
}
