package io.cpner.model.loading;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes a Hugging Face {@code tokenizer.json} for a BERT WordPiece vocabulary ({@code vocab.txt}, one
 * piece a line, its line number its id), as BERT's own tokenizer runs it: the basic tokenizer (clean
 * text, split on whitespace, punctuation and CJK characters), then greedy longest-match word pieces
 * ({@code ##} continuations, {@code [UNK]} for a word of more than 100 characters or with no match),
 * and {@code [CLS] ... [SEP]} around a text.
 */
final class WordPieceTokenizerJson {
  private static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private WordPieceTokenizerJson() {}

  /** A cased tokenizer: no lowercasing and no accent stripping (BERT's {@code do_lower_case=False}). */
  static byte[] cased(List<String> vocab) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = mapper.createObjectNode();
    json.put("version", "1.0").putNull("truncation");
    json.putNull("padding");
    ArrayNode added = json.putArray("added_tokens");
    for (String token : SPECIAL) {
      added.addObject().put("id", idOf(vocab, token)).put("content", token).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
    }
    json.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
        .put("handle_chinese_chars", true).put("strip_accents", false).put("lowercase", false);
    json.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = json.putObject("post_processor").put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, "[CLS]", 0);
    sequence(single, "A", 0);
    special(single, "[SEP]", 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, "[CLS]", 0);
    sequence(pair, "A", 0);
    special(pair, "[SEP]", 0);
    sequence(pair, "B", 1);
    special(pair, "[SEP]", 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String token : List.of("[CLS]", "[SEP]")) {
      ObjectNode s = specials.putObject(token).put("id", token);
      s.putArray("ids").add(idOf(vocab, token));
      s.putArray("tokens").add(token);
    }
    json.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
    ObjectNode model = json.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]")
        .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
    ObjectNode ids = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      ids.put(vocab.get(i), i);
    }
    try {
      return mapper.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write tokenizer.json", e);
    }
  }

  private static int idOf(List<String> vocab, String token) {
    int id = vocab.indexOf(token);
    if (id < 0) {
      throw new IllegalArgumentException("vocab.txt: expected the special token " + token + ", found none");
    }
    return id;
  }

  private static void special(ArrayNode template, String token, int typeId) {
    template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
  }

  private static void sequence(ArrayNode template, String id, int typeId) {
    template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
  }
}
