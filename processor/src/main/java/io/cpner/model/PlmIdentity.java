package io.cpner.model;

/**
 * What a prefix must match to run on a PLM: its id, content hash and shape. Lets code that only
 * checks compatibility (prefix validation, the control topic) work without the weights.
 */
public record PlmIdentity(String id, String sha256, PlmConfig config) {}
