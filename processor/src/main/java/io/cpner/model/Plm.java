package io.cpner.model;

import ai.djl.ndarray.NDManager;

/**
 * A loaded, frozen pretrained language model: its identity (id and content hash), shape, weights
 * and tokenizer. Loaded once per process and shared by every domain; closing it frees the weights.
 *
 * @param id a stable name, e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
 * @param sha256 hex SHA-256 over the weight file and the tokenizer file, so a prefix can prove which
 *     exact model it was trained on
 */
public record Plm(
    String id, String sha256, PlmConfig config, PlmWeights weights, PlmTokenizer tokenizer, NDManager manager)
    implements AutoCloseable {

  /** Id, hash and shape: what a prefix must match. */
  public PlmIdentity identity() {
    return new PlmIdentity(id, sha256, config);
  }

  /** Longest run of word pieces one forward pass takes ([CLS] and [SEP] excluded). */
  public int maxPieces() {
    return config.maxPositions() - 2;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
