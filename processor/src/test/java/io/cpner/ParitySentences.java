package io.cpner;

import java.util.List;

/**
 * The sentences every encoder parity test runs: short and long, punctuation, accents, CJK,
 * Cyrillic, Greek, Arabic, Hebrew, emoji, digits, whitespace oddities, all-caps and one word.
 */
public final class ParitySentences {
  public static final List<String> ALL = List.of(
      "Hi.",
      "EU rejects German call to boycott British lamb .",
      "Peter Blackburn",
      "The European Commission said on Thursday it disagreed with German advice to consumers to shun British lamb until scientists determine whether mad cow disease can be transmitted to sheep .",
      "What?!? No way... (really) -- yes; really: #1 [sic] {braces} <tags> & 'quotes' \"double\"",
      "Zürich, São Paulo and Kraków are cities; naïve café crème brûlée.",
      "東京都は日本の首都です。",
      "Москва — столица России.",
      "emoji test 😀 🚀 👍🏽 done",
      "3.14159 is pi, 2,718 is not e, and 1e-9 is small; call 555-0199 at 10:30pm on 2026-11-29.",
      "   leading and trailing spaces   ",
      "tabs\tand\nnewlines\r\ninside",
      "a",
      "UPPERCASE SHOUTING ABOUT NASA AND IBM",
      "The Gradient Boosting Machine was proposed by Jerome H. Friedman in 2001 at Stanford University.",
      "Barack Obama's speech in Berlin drew 200,000 people; Angela Merkel did not attend.",
      "In 1969 , Apollo 11 landed on the Moon ; Neil Armstrong and Buzz Aldrin walked on its surface while Michael Collins orbited above in the command module Columbia , and millions watched on television across the world as the mission fulfilled a goal set by President John F. Kennedy earlier in the decade .",
      "supercalifragilisticexpialidocious antidisestablishmentarianism",
      "x = y + 2 * (z - 1) / 3",
      "Ελληνικά και العربية και עברית",
      "The Beatles released Abbey Road in 1969 ; it topped the UK Albums Chart .",
      "C++ and C# are languages; so is Python 3.12.");

  private ParitySentences() {}
}
