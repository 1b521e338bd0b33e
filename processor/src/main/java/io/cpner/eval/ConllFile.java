package io.cpner.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.cpner.model.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A labelled data file in the CrossNER / CoNLL format, read whole into memory.
 *
 * <p>Format: one {@code token<TAB>tag} per line (a single space instead of the tab is accepted on
 * lines without a tab; tokens never contain whitespace); tags are {@code O}, {@code B-type} or
 * {@code I-type}; a blank line ends a sentence. Runs of blank lines are one boundary, a last sentence
 * without a closing blank line is kept, and {@code -DOCSTART-} lines are skipped (they also end a
 * sentence). The file is UTF-8.
 *
 * <p>A malformed line makes {@link #read} throw {@link IllegalArgumentException} naming the file,
 * the 1-based line number and the line itself.
 */
public final class ConllFile {

  private static final String DOCSTART = "-DOCSTART-";
  private static final String EXPECTED = "expected 'token<TAB>tag' with tag O, B-type or I-type";

  private final Path source;
  private final List<LabelledSentence> sentences;
  private final SortedSet<String> entityTypes;

  private ConllFile(Path source, List<LabelledSentence> sentences, SortedSet<String> entityTypes) {
    this.source = source;
    this.sentences = List.copyOf(sentences);
    this.entityTypes = Collections.unmodifiableSortedSet(new TreeSet<>(entityTypes));
  }

  /**
   * Reads a whole file.
   *
   * @throws IllegalArgumentException on the first malformed line
   * @throws IOException when the file cannot be read or is not valid UTF-8
   */
  public static ConllFile read(Path path) throws IOException {
    List<LabelledSentence> sentences = new ArrayList<>();
    SortedSet<String> types = new TreeSet<>();
    List<String> tokens = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, UTF_8)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank() || line.startsWith(DOCSTART)) {
          endSentence(tokens, tags, sentences);
          continue;
        }
        TaggedToken tagged = parseLine(path, lineNumber, line);
        if (!tagged.tag().isOutside()) {
          types.add(tagged.tag().type());
        }
        tokens.add(tagged.token());
        tags.add(tagged.tag().toString());
      }
    }
    endSentence(tokens, tags, sentences);
    return new ConllFile(path, sentences, types);
  }

  /** The file this was read from. */
  public Path source() {
    return source;
  }

  /** The sentences in file order; never empty sentences. */
  public List<LabelledSentence> sentences() {
    return sentences;
  }

  /** The entity types seen in any B- or I- tag, sorted. */
  public SortedSet<String> entityTypes() {
    return entityTypes;
  }

  /** The BIO label list of the types seen in this file; see {@link BioTag#labels}. */
  public List<String> bioLabels() {
    return BioTag.labels(entityTypes);
  }

  /** The SHA-256 of a file's bytes as 64 lower-case hex digits, e.g. for training metadata. */
  public static String sha256(Path path) throws IOException {
    return Sha256.hexOfFile(path);
  }


  /** The index of the tab, else of the first space, else -1. */
  private static int separatorIndex(String line) {
    int tab = line.indexOf('\t');
    return tab >= 0 ? tab : line.indexOf(' ');
  }

  /** Splits a non-blank line into its token and IOB2 tag, or fails naming file, line and problem. */
  private static TaggedToken parseLine(Path path, int lineNumber, String line) {
    int separator = separatorIndex(line);
    String token = separator < 0 ? line : line.substring(0, separator);
    String tag = separator < 0 ? "" : line.substring(separator + 1);
    String problem = null;
    if (separator < 0) {
      problem = "no tab or space between token and tag";
    } else if (token.isEmpty()) {
      problem = "empty token";
    } else if (hasWhitespace(token)) {
      problem = "token contains whitespace";
    } else if (tag.isEmpty()) {
      problem = "empty tag";
    } else if (hasWhitespace(tag)) {
      problem = "more than two fields";
    } else {
      try {
        BioTag parsed = BioTag.parse(tag);
        if (parsed.prefix() != BioTag.Prefix.E && parsed.prefix() != BioTag.Prefix.S) {
          return new TaggedToken(token, parsed);
        }
      } catch (IllegalArgumentException notATag) {
        // reported below with file and line
      }
      problem = "tag '" + tag + "' is not O, B-type or I-type";
    }
    throw new IllegalArgumentException(
        path + " line " + lineNumber + ": " + problem + "; " + EXPECTED + ", found '" + line + "'");
  }

  private record TaggedToken(String token, BioTag tag) {}

  private static void endSentence(List<String> tokens, List<String> tags, List<LabelledSentence> sentences) {
    if (!tokens.isEmpty()) {
      sentences.add(new LabelledSentence(tokens, tags));
      tokens.clear();
      tags.clear();
    }
  }

  private static boolean hasWhitespace(String text) {
    return text.chars().anyMatch(Character::isWhitespace);
  }
}
