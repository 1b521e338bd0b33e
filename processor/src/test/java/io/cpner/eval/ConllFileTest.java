package io.cpner.eval;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConllFileTest {

  @TempDir Path dir;

  @Test
  void shouldSplitSentencesOnBlankLinesSkippingDocstartAndKeepingTheLastWithoutBlankLine() throws IOException {
    // given: a DOCSTART line, a run of blank lines (one blank-looking line holds spaces), a space
    // separated line, and no newline after the last line
    Path file = write("-DOCSTART-\tO\n\n"
        + "EU\tB-organisation\nrejects\tO\nGerman\tB-misc\ncall\tO\n\n\n  \n\n"
        + "Peter\tB-person\nBlackburn\tI-person\n\n"
        + "BRUSSELS B-location\n1996-08-22\tO");

    // when
    ConllFile conll = ConllFile.read(file);

    // then
    assertEquals(List.of(
        new LabelledSentence(List.of("EU", "rejects", "German", "call"), List.of("B-organisation", "O", "B-misc", "O")),
        new LabelledSentence(List.of("Peter", "Blackburn"), List.of("B-person", "I-person")),
        new LabelledSentence(List.of("BRUSSELS", "1996-08-22"), List.of("B-location", "O"))),
        conll.sentences());
    assertEquals(file, conll.source());
  }

  @Test
  void shouldNotMakeEmptySentencesFromLeadingAndTrailingBlankLines() throws IOException {
    // given
    Path file = write("\n\nI-PER\tO\n\n\n\n");

    // when
    List<LabelledSentence> sentences = ConllFile.read(file).sentences();

    // then
    assertEquals(List.of(new LabelledSentence(List.of("I-PER"), List.of("O"))), sentences);
  }

  @Test
  void shouldEndSentenceAtDocstartLine() throws IOException {
    // given: no blank line between a sentence and the next document marker
    Path file = write("a\tO\n-DOCSTART- -X- O O\nb\tO\n");

    // when
    List<LabelledSentence> sentences = ConllFile.read(file).sentences();

    // then
    assertEquals(2, sentences.size());
    assertEquals(List.of("b"), sentences.get(1).tokens());
  }

  @Test
  void shouldCollectSortedEntityTypesAndTheirLabelList() throws IOException {
    // given: an I- tag after O also introduces its type
    Path file = write("a\tB-person\nb\tO\nc\tI-misc\n\nd\tB-country\ne\tI-country\n");

    // when
    ConllFile conll = ConllFile.read(file);

    // then
    assertEquals(List.of("country", "misc", "person"), List.copyOf(conll.entityTypes()));
    assertEquals(List.of("O", "B-country", "I-country", "B-misc", "I-misc", "B-person", "I-person"), conll.bioLabels());
  }

  @Test
  void shouldReadEmptyFileAsNoSentencesAndNoTypes() throws IOException {
    ConllFile conll = ConllFile.read(write(""));
    assertEquals(List.of(), conll.sentences());
    assertEquals(List.of(), List.copyOf(conll.entityTypes()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "Hello|no tab or space between token and tag",
      "Hello\t|empty tag",
      "\tO|empty token",
      "Hello\tPER|tag 'PER' is not O, B-type or I-type",
      "Hello\tS-PER|tag 'S-PER' is not O, B-type or I-type",
      "Hello\tB-|tag 'B-' is not O, B-type or I-type",
      "Hello\tB-PER\tNNP|more than two fields",
      "New York\tB-LOC|token contains whitespace"})
  void shouldRejectMalformedLineNamingFileLineNumberProblemAndLine(String line, String problem) throws IOException {
    // given: two good lines, then the malformed one on line 3
    Path file = write("a\tO\n\n" + line + "\nb\tO\n");

    // when
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ConllFile.read(file));

    // then
    assertEquals(file + " line 3: " + problem
        + "; expected 'token<TAB>tag' with tag O, B-type or I-type, found '" + line + "'", error.getMessage());
  }

  @Test
  void shouldHashFileContentAsLowerCaseHexSha256() throws IOException {
    // given: the FIPS 180-2 test vectors "abc" and the empty message
    Path abc = write("abc");
    Path empty = Files.writeString(dir.resolve("empty.txt"), "", UTF_8);

    // when / then
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ConllFile.sha256(abc));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ConllFile.sha256(empty));
  }

  private Path write(String content) throws IOException {
    return Files.writeString(dir.resolve("train.txt"), content, UTF_8);
  }
}
