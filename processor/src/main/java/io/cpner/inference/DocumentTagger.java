package io.cpner.inference;

import java.util.List;

/**
 * What the streaming stage needs of the model: tag a batch of documents (each with its domain's
 * prefix), say what a document costs in word pieces, and name the model. {@link NerEngine} is the
 * implementation; topology tests that do not need the model use a rule-based one.
 */
public interface DocumentTagger {
  /** Entities per request, in request order. */
  List<List<Entity>> tag(List<NerEngine.Request> requests);

  /** Word pieces of a text (its cost in a batch). */
  int countTokens(String text);

  /** Id of the model, written into every result. */
  String modelId();
}
