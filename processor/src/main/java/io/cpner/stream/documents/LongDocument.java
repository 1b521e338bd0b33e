package io.cpner.stream.documents;

import io.cpner.avro.BufferedDocument;
import io.cpner.inference.Entity;
import io.cpner.prefix.DomainPrefix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A long document being tagged part by part across batches: its parts, the prefix every part is
 * tagged with (the one installed when its first part ran, so a result never mixes versions), which
 * parts are handed out and which are done, and each done part's entities with document offsets.
 * Kept in memory only: after a restart the document, still in the buffer, starts over.
 */
final class LongDocument {
  private final BufferedDocument document;
  private final String text;
  private final List<DocumentParts.Part> parts;
  private final DomainPrefix prefix;
  private final List<List<Entity>> found;
  private int handedOut;
  private int done;
  private float forwardMs;

  LongDocument(BufferedDocument document, List<DocumentParts.Part> parts, DomainPrefix prefix) {
    this.document = document;
    this.text = document.getText();
    this.parts = parts;
    this.prefix = prefix;
    this.found = new ArrayList<>(Collections.nCopies(parts.size(), null));
  }

  BufferedDocument document() {
    return document;
  }

  DomainPrefix prefix() {
    return prefix;
  }

  /** Whether a part is left to hand out. */
  boolean hasNext() {
    return handedOut < parts.size();
  }

  /** Hands out the next part and returns its index. */
  int handOut() {
    return handedOut++;
  }

  String partText(int part) {
    return text.substring(parts.get(part).start(), parts.get(part).end());
  }

  /** Records a part's entities (offsets within the part) and its share of a batch's forward time. */
  void tagged(int part, List<Entity> entities, float batchForwardMs) {
    int offset = parts.get(part).start();
    found.set(part, entities.stream()
        .map(e -> new Entity(e.text(), e.type(), e.start() + offset, e.end() + offset, e.score())).toList());
    forwardMs += batchForwardMs;
    done++;
  }

  boolean isDone() {
    return done == parts.size();
  }

  /** Forward time of every batch a part of it ran in. */
  float forwardMs() {
    return forwardMs;
  }

  /** Every part's entities, in text order. */
  List<Entity> entities() {
    return found.stream().flatMap(List::stream).toList();
  }
}
