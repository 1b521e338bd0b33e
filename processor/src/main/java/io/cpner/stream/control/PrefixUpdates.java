package io.cpner.stream.control;

import io.cpner.avro.HeadInputAvro;
import io.cpner.avro.PlmRef;
import io.cpner.avro.PrefixKindAvro;
import io.cpner.avro.PrefixUpdate;
import io.cpner.avro.SourceDomain;
import io.cpner.model.PlmIdentity;
import io.cpner.prefix.DomainPrefix;
import io.cpner.prefix.HeadInput;
import io.cpner.prefix.PrefixCodec;
import io.cpner.prefix.PrefixKind;
import io.cpner.prefix.PrefixMetadata;
import io.cpner.prefix.SourceWeight;
import java.nio.ByteBuffer;

/** Converts between a {@link DomainPrefix} and the {@link PrefixUpdate} record of the control topic. */
public final class PrefixUpdates {
  private PrefixUpdates() {}

  /** The control-topic record of a prefix: its metadata as fields, its tensors as safetensors bytes. */
  public static PrefixUpdate toUpdate(DomainPrefix prefix) {
    PrefixCodec.Encoded encoded = PrefixCodec.encode(prefix);
    PrefixMetadata m = prefix.metadata();
    return PrefixUpdate.newBuilder()
        .setDomain(m.domain())
        .setVersion(m.version())
        .setKind(PrefixKindAvro.valueOf(m.kind().name()))
        .setSources(m.sources().stream().map(s -> new SourceDomain(s.domain(), s.weight())).toList())
        .setLabels(m.labels())
        .setHeadInput(HeadInputAvro.valueOf(m.headInput().name()))
        .setTensors(ByteBuffer.wrap(encoded.tensors()))
        .setSha256(io.cpner.model.Sha256.hex(encoded.tensors()))
        .setPlm(new PlmRef(m.plmId(), m.plmSha256()))
        .setDevF1(m.devF1())
        .setTrainingDataSha256(m.trainingDataSha256())
        .setCreatedAt(m.createdAt())
        .build();
  }

  /**
   * The prefix an update carries, fully validated: metadata (domain name, labels), tensor checksum,
   * tensor names and shapes, and compatibility with the running PLM.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static DomainPrefix toPrefix(PrefixUpdate update, PlmIdentity plm, String source) {
    byte[] tensors = new byte[update.getTensors().remaining()];
    update.getTensors().duplicate().get(tensors);
    long[] kv = prefixShape(tensors, source);
    PrefixMetadata metadata = new PrefixMetadata(update.getDomain(), update.getVersion(),
        PrefixKind.valueOf(update.getKind().name()), update.getLabels(),
        update.getSources().stream().map(s -> new SourceWeight(s.getDomain(), s.getWeight())).toList(),
        update.getTrainingDataSha256(), update.getDevF1(), update.getPlm().getId(), update.getPlm().getSha256(),
        (int) kv[1], HeadInput.valueOf(update.getHeadInput().name()), update.getSha256(), update.getCreatedAt());
    DomainPrefix prefix = PrefixCodec.decode(metadata, tensors, source);
    prefix.requireCompatible(plm);
    return prefix;
  }

  /** The (heads, P, headDim) shape of layer 0's keys, which fixes the prefix length. */
  private static long[] prefixShape(byte[] tensors, String source) {
    var key = io.cpner.model.safetensors.Safetensors.fromBytes(tensors, source).tensors().get("layers.0.key");
    if (key == null || key.shape().length != 3) {
      throw new IllegalArgumentException(source + ": expected tensor layers.0.key of shape (heads, P, headDim), found "
          + (key == null ? "none" : java.util.Arrays.toString(key.shape())));
    }
    return key.shape();
  }
}
